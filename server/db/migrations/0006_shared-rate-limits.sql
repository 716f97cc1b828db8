CREATE TABLE `rate_limits` (
	`bucket` text NOT NULL,
	`key_hash` blob NOT NULL,
	`count` integer NOT NULL,
	`window_ends_at` integer NOT NULL,
	PRIMARY KEY(`bucket`, `key_hash`)
);
--> statement-breakpoint
CREATE INDEX `rate_limits_window_idx` ON `rate_limits` (`window_ends_at`);