-- Search on PostgreSQL, doing what SQLite's FTS5 indexes do (db/migrations/0002, 0007, 0010):
-- * pg_trgm GIN indexes answer ILIKE '%query%' for queries of 3+ characters, Chinese and Japanese included
--   (pg_trgm makes trigrams of CJK text when the database's LC_CTYPE is a UTF-8 one such as C.UTF-8; under
--   plain "C" the results are still right, the index just cannot narrow them down).
-- * cjk_grams() mirrors lib/search/cjk.ts cjkGrams(): the single characters and adjacent pairs of every run
--   of Han/Hiragana/Katakana/Hangul (and ー). A GIN index over it answers 1- and 2-character CJK queries
--   with cjk_grams(content) @> ARRAY[query], which trigrams cannot.
-- * Both message indexes are partial (status <> 'streaming'): a streaming reply saved every 250 ms is
--   never re-indexed while it grows; it enters the indexes when it finishes and leaves them on Continue,
--   with no triggers. Queries must repeat the predicate literally for the planner to use them.
-- pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- The character class is the code points Node's /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}
-- \p{Script=Hangul}ー]/u matches (Node 20, Unicode 15.1), as ranges: PostgreSQL regexes have no \p{Script}.
-- string_to_array(run, NULL) splits into characters and lead() pairs them, linear in the text's length
-- (substr() on multibyte text would be quadratic on a long CJK reply). COST 1000 tells the planner that
-- computing it per row is dear, so it prefers the gram index over filtering a user's messages one by one.
CREATE FUNCTION cjk_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM (
    SELECT c.ch, c.ch || lead(c.ch) OVER (PARTITION BY r.n ORDER BY c.i) AS pair
    FROM regexp_matches(t, '[\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u302e-\u302f\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3131-\u318e\u31f0-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d\uffa0-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6\U0001aff0-\U0001aff3\U0001aff5-\U0001affb\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132\U0001b150-\U0001b152\U0001b155\U0001b164-\U0001b167\U0001f200\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479]+', 'g') WITH ORDINALITY AS r(m, n),
         unnest(string_to_array(r.m[1], NULL)) WITH ORDINALITY AS c(ch, i)
  ) s, LATERAL (VALUES (s.ch), (s.pair)) AS v(g)
  WHERE g IS NOT NULL
$$;
--> statement-breakpoint
CREATE INDEX "messages_content_trgm_idx" ON "messages" USING gin ("content" gin_trgm_ops) WHERE "status" <> 'streaming';
--> statement-breakpoint
CREATE INDEX "messages_cjk_idx" ON "messages" USING gin (cjk_grams("content")) WHERE "status" <> 'streaming';
--> statement-breakpoint
CREATE INDEX "conversations_title_trgm_idx" ON "conversations" USING gin ("title" gin_trgm_ops);
