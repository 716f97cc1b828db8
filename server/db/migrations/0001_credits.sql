CREATE TABLE `webhook_events` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`processed_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `event_id`)
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`product` text NOT NULL,
	`credits` integer DEFAULT 0 NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text DEFAULT 'created' NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	`paid_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "orders_status_check" CHECK("__new_orders"."status" in ('created', 'paid', 'failed', 'refunded'))
);
--> statement-breakpoint
INSERT INTO `__new_orders`("id", "user_id", "product", "credits", "amount", "currency", "status", "provider", "provider_ref", "created_at", "updated_at", "paid_at") SELECT "id", "user_id", "product", "credits", "amount", "currency", CASE "status" WHEN 'pending' THEN 'created' WHEN 'cancelled' THEN 'failed' ELSE "status" END, "provider", "provider_ref", "created_at", "updated_at", "paid_at" FROM `orders`;--> statement-breakpoint
DROP TABLE `orders`;--> statement-breakpoint
ALTER TABLE `__new_orders` RENAME TO `orders`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `orders_user_idx` ON `orders` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_provider_ref_idx` ON `orders` (`provider`,`provider_ref`);--> statement-breakpoint
ALTER TABLE `access_logs` ADD `api_key_prefix` text;--> statement-breakpoint
CREATE TABLE `__new_memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`plan` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`current_period_end` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	`cancelled_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "memberships_status_check" CHECK("__new_memberships"."status" in ('active', 'past_due', 'cancelled', 'expired'))
);
--> statement-breakpoint
INSERT INTO `__new_memberships`("id", "user_id", "plan", "status", "provider", "provider_ref", "current_period_end", "created_at", "updated_at", "cancelled_at") SELECT "id", "user_id", "plan", "status", "provider", "provider_ref", "current_period_end", "created_at", "updated_at", "cancelled_at" FROM `memberships`;--> statement-breakpoint
DROP TABLE `memberships`;--> statement-breakpoint
ALTER TABLE `__new_memberships` RENAME TO `memberships`;--> statement-breakpoint
CREATE INDEX `memberships_user_idx` ON `memberships` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_provider_ref_idx` ON `memberships` (`provider`,`provider_ref`);