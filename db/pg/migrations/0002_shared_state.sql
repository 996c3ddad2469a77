CREATE TABLE "early_stops" (
	"user_id" text NOT NULL,
	"message_id" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "early_stops_user_id_message_id_pk" PRIMARY KEY("user_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "live_replies" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"user_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"started_at" bigint DEFAULT (floor(extract(epoch from clock_timestamp()) * 1000)::bigint) NOT NULL,
	"heartbeat_at" bigint DEFAULT (floor(extract(epoch from clock_timestamp()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"bucket" text PRIMARY KEY NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reply_frames" (
	"message_id" text NOT NULL,
	"n" integer NOT NULL,
	"frames" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from clock_timestamp()) * 1000)::bigint) NOT NULL,
	CONSTRAINT "reply_frames_message_id_n_pk" PRIMARY KEY("message_id","n")
);
--> statement-breakpoint
ALTER TABLE "live_replies" ADD CONSTRAINT "live_replies_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;