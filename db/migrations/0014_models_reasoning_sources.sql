CREATE TABLE `models` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`upstream_id` text NOT NULL,
	`context_window` integer NOT NULL,
	`max_output_tokens` integer NOT NULL,
	`thinking` text DEFAULT 'none' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `reasoning` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `reasoning_ms` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `sources` text;