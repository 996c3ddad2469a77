-- The roll-up counted every status >= 400 as an error: a Stop (499) or a refused model name (404) made a
-- model look broken. Rebuilt from the ledger with the rule of db/queries/usage.ts (isFailure / FAILED_SQL);
-- rows still in progress (status 0) join the roll-up when they end.
DELETE FROM `usage_hourly`;--> statement-breakpoint
INSERT INTO `usage_hourly` (`hour`, `user_id`, `api_key_id`, `source`, `model`, `requests`, `errors`, `prompt_tokens`, `completion_tokens`, `ttft_sum`, `ttft_count`)
SELECT (`created_at` / 3600000) * 3600000, `user_id`, coalesce(`api_key_id`, ''), `source`, `model`, count(*),
  sum(`status` >= 500 OR coalesce(`error_code`, '') = 'insufficient_quota'), sum(`prompt_tokens`), sum(`completion_tokens`),
  coalesce(sum(`ttft_ms`), 0), count(`ttft_ms`)
FROM `usage` WHERE `user_id` IS NOT NULL AND `status` <> 0
GROUP BY 1, 2, 3, 4, 5;
