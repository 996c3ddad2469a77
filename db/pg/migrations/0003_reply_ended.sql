ALTER TABLE "live_replies" ADD COLUMN "ended_at" bigint;--> statement-breakpoint
-- Hand-written (not in db/pg/schema.ts, so drizzle-kit leaves it alone): lib/chat/reply-sweeper.ts looks for
-- replies left streaming every few seconds on every instance; only a handful of rows are ever streaming.
CREATE INDEX "messages_streaming_idx" ON "messages" ("id") WHERE "status" = 'streaming';
--> statement-breakpoint
-- The sweeper's clean-up of claims and frames by age.
CREATE INDEX "reply_frames_created_idx" ON "reply_frames" ("created_at");
