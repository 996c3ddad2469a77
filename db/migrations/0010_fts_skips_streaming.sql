-- A streaming reply's text is saved every 250 ms while it grows; re-indexing the whole text each time cost
-- ~0.6 ms per save at 8 KB and ~10 ms at 128 KB (bench/reply-saving.ts). So a reply enters the search indexes
-- once it stops streaming (complete, stopped, error, interrupted) and leaves them when it streams again
-- (Continue). The 'delete' of an external-content FTS5 row must name exactly the indexed text, hence one
-- trigger per transition.
INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', seq, content FROM messages WHERE status = 'streaming';
--> statement-breakpoint
DELETE FROM messages_cjk WHERE rowid IN (SELECT seq FROM messages WHERE status = 'streaming');
--> statement-breakpoint
DROP TRIGGER `messages_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_update`;
--> statement-breakpoint
DROP TRIGGER `messages_cjk_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_cjk_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_cjk_update`;
--> statement-breakpoint
CREATE TRIGGER `messages_index_insert` AFTER INSERT ON `messages` WHEN new.status <> 'streaming' BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
  INSERT INTO messages_cjk(rowid, grams) VALUES (new.seq, cjk_grams(new.content));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_delete` AFTER DELETE ON `messages` WHEN old.status <> 'streaming' BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  DELETE FROM messages_cjk WHERE rowid = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_update` AFTER UPDATE OF content, status ON `messages`
  WHEN old.status <> 'streaming' AND new.status <> 'streaming' AND old.content IS NOT new.content BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
  DELETE FROM messages_cjk WHERE rowid = old.seq;
  INSERT INTO messages_cjk(rowid, grams) VALUES (new.seq, cjk_grams(new.content));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_finish` AFTER UPDATE OF content, status ON `messages`
  WHEN old.status = 'streaming' AND new.status <> 'streaming' BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
  INSERT INTO messages_cjk(rowid, grams) VALUES (new.seq, cjk_grams(new.content));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_resume` AFTER UPDATE OF content, status ON `messages`
  WHEN old.status <> 'streaming' AND new.status = 'streaming' BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  DELETE FROM messages_cjk WHERE rowid = old.seq;
END;
