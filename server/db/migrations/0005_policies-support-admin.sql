CREATE TABLE `admin_audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`admin_id` text NOT NULL,
	`admin_email` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_audit_log_time_idx` ON `admin_audit_log` (`created_at`);--> statement-breakpoint
CREATE TABLE `child_email_hashes` (
	`email_hash` blob PRIMARY KEY NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `daily_visit_counts` (
	`day` text PRIMARY KEY NOT NULL,
	`requests` integer NOT NULL,
	`visitors` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `policy_acceptances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`document` text NOT NULL,
	`version` integer NOT NULL,
	`via` text NOT NULL,
	`accepted_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "policy_acceptances_document_check" CHECK("policy_acceptances"."document" in ('privacy', 'terms'))
);
--> statement-breakpoint
CREATE INDEX `policy_acceptances_user_idx` ON `policy_acceptances` (`user_id`,`document`);--> statement-breakpoint
CREATE TABLE `support_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`reference` text NOT NULL,
	`user_id` text,
	`email` text NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`answer` text,
	`answered_by` text,
	`answered_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "support_requests_status_check" CHECK("support_requests"."status" in ('open', 'answered', 'closed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_requests_reference_unique` ON `support_requests` (`reference`);--> statement-breakpoint
CREATE INDEX `support_requests_user_idx` ON `support_requests` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `support_requests_status_idx` ON `support_requests` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `oidc_flows` ADD `signup_age` text;--> statement-breakpoint
ALTER TABLE `users` ADD `age_confirmation` text;--> statement-breakpoint
-- Added by hand (drizzle-kit has no triggers): the audit log is append-only, whatever code runs.
CREATE TRIGGER `admin_audit_log_no_update` BEFORE UPDATE ON `admin_audit_log` BEGIN SELECT RAISE(ABORT, 'admin_audit_log is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `admin_audit_log_no_delete` BEFORE DELETE ON `admin_audit_log` BEGIN SELECT RAISE(ABORT, 'admin_audit_log is append-only'); END;
