-- Indexing a message for search at the moment it is written cost more than the rest of a chat turn's database
-- work together: each commit wrote a new FTS5 segment for one short text (a turn's writes took ~0.8 ms with
-- the indexes, ~0.3 ms without; bench/doors). Now a write only notes the row in a backlog, and the backlog
-- goes into the indexes in one transaction a few times a second and before every search
-- (db/engines/search-backlog-sqlite.ts), so a search still sees everything written before it.
-- A row in a backlog is not in the index yet: its 'delete' (which must name exactly the indexed text) is
-- skipped, and it leaves the backlog with its row.
CREATE TABLE `messages_search_backlog` (`seq` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TABLE `conversations_search_backlog` (`seq` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
DROP TRIGGER `messages_index_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_index_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_index_update`;
--> statement-breakpoint
DROP TRIGGER `messages_index_finish`;
--> statement-breakpoint
DROP TRIGGER `messages_index_resume`;
--> statement-breakpoint
DROP TRIGGER `conversations_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `conversations_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `conversations_fts_update`;
--> statement-breakpoint
CREATE TRIGGER `messages_index_insert` AFTER INSERT ON `messages` WHEN new.status <> 'streaming' BEGIN
  INSERT OR IGNORE INTO messages_search_backlog(seq) VALUES (new.seq);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_finish` AFTER UPDATE OF content, status ON `messages`
  WHEN old.status = 'streaming' AND new.status <> 'streaming' BEGIN
  INSERT OR IGNORE INTO messages_search_backlog(seq) VALUES (new.seq);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_update` AFTER UPDATE OF content, status ON `messages`
  WHEN old.status <> 'streaming' AND new.status <> 'streaming' AND old.content IS NOT new.content BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.seq, old.content
    WHERE NOT EXISTS (SELECT 1 FROM messages_search_backlog WHERE seq = old.seq);
  DELETE FROM messages_cjk WHERE rowid = old.seq;
  INSERT OR IGNORE INTO messages_search_backlog(seq) VALUES (new.seq);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_resume` AFTER UPDATE OF content, status ON `messages`
  WHEN old.status <> 'streaming' AND new.status = 'streaming' BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.seq, old.content
    WHERE NOT EXISTS (SELECT 1 FROM messages_search_backlog WHERE seq = old.seq);
  DELETE FROM messages_cjk WHERE rowid = old.seq;
  DELETE FROM messages_search_backlog WHERE seq = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_index_delete` AFTER DELETE ON `messages` WHEN old.status <> 'streaming' BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.seq, old.content
    WHERE NOT EXISTS (SELECT 1 FROM messages_search_backlog WHERE seq = old.seq);
  DELETE FROM messages_cjk WHERE rowid = old.seq;
  DELETE FROM messages_search_backlog WHERE seq = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_fts_insert` AFTER INSERT ON `conversations` BEGIN
  INSERT OR IGNORE INTO conversations_search_backlog(seq) VALUES (new.seq);
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_fts_update` AFTER UPDATE OF title ON `conversations` BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, title) SELECT 'delete', old.seq, old.title
    WHERE NOT EXISTS (SELECT 1 FROM conversations_search_backlog WHERE seq = old.seq);
  INSERT OR IGNORE INTO conversations_search_backlog(seq) VALUES (new.seq);
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_fts_delete` AFTER DELETE ON `conversations` BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, title) SELECT 'delete', old.seq, old.title
    WHERE NOT EXISTS (SELECT 1 FROM conversations_search_backlog WHERE seq = old.seq);
  DELETE FROM conversations_search_backlog WHERE seq = old.seq;
END;
