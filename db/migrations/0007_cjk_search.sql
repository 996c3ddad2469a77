-- One- and two-character search for Chinese, Japanese and Korean: each message's CJK characters and
-- character pairs (cjk_grams(), a function every app connection registers) in a contentless FTS5 index.
CREATE VIRTUAL TABLE `messages_cjk` USING fts5(grams, content='', contentless_delete=1, tokenize='unicode61', detail='none');
--> statement-breakpoint
INSERT INTO messages_cjk(rowid, grams) SELECT seq, cjk_grams(content) FROM messages;
--> statement-breakpoint
CREATE TRIGGER `messages_cjk_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO messages_cjk(rowid, grams) VALUES (new.seq, cjk_grams(new.content));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_cjk_delete` AFTER DELETE ON `messages` BEGIN
  DELETE FROM messages_cjk WHERE rowid = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_cjk_update` AFTER UPDATE OF content ON `messages` BEGIN
  DELETE FROM messages_cjk WHERE rowid = old.seq;
  INSERT INTO messages_cjk(rowid, grams) VALUES (new.seq, cjk_grams(new.content));
END;
