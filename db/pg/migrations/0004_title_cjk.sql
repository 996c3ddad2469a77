-- 1- and 2-character CJK queries in conversation titles: two characters make no trigram, so
-- conversations_title_trgm_idx cannot answer them and the title half of the search read every title.
-- The same gram index the messages have (0001_search.sql), queried with cjk_grams(c.title) @> ARRAY[q].
CREATE INDEX "conversations_title_cjk_idx" ON "conversations" USING gin (cjk_grams("title"));
