DROP INDEX `usage_hourly_hour_idx`;--> statement-breakpoint
CREATE INDEX `usage_hourly_user_day_idx` ON `usage_hourly` (`user_id`,`hour`,`model`,`requests`,`prompt_tokens`,`completion_tokens`);--> statement-breakpoint
CREATE INDEX `usage_hourly_user_model_idx` ON `usage_hourly` (`user_id`,`model`,`hour`,`requests`,`errors`,`prompt_tokens`,`completion_tokens`,`ttft_sum`,`ttft_count`);--> statement-breakpoint
CREATE INDEX `usage_hourly_user_key_idx` ON `usage_hourly` (`user_id`,`source`,`api_key_id`,`hour`,`requests`,`prompt_tokens`,`completion_tokens`);--> statement-breakpoint
CREATE INDEX `usage_hourly_day_idx` ON `usage_hourly` (`hour`,`model`,`requests`,`prompt_tokens`,`completion_tokens`);