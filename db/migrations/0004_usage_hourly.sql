CREATE TABLE `usage_hourly` (
	`hour` integer NOT NULL,
	`user_id` text NOT NULL,
	`api_key_id` text NOT NULL,
	`source` text NOT NULL,
	`model` text NOT NULL,
	`requests` integer NOT NULL,
	`errors` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`ttft_sum` integer NOT NULL,
	`ttft_count` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_hourly_bucket_idx` ON `usage_hourly` (`user_id`,`hour`,`api_key_id`,`source`,`model`);--> statement-breakpoint
CREATE INDEX `usage_hourly_hour_idx` ON `usage_hourly` (`hour`);--> statement-breakpoint
INSERT INTO `usage_hourly` (`hour`, `user_id`, `api_key_id`, `source`, `model`, `requests`, `errors`, `prompt_tokens`, `completion_tokens`, `ttft_sum`, `ttft_count`)
SELECT (`created_at` / 3600000) * 3600000, `user_id`, coalesce(`api_key_id`, ''), `source`, `model`, count(*),
  sum(`status` >= 400), sum(`prompt_tokens`), sum(`completion_tokens`), coalesce(sum(`ttft_ms`), 0), count(`ttft_ms`)
FROM `usage` WHERE `user_id` IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
