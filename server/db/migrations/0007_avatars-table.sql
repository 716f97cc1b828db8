CREATE TABLE `avatars` (
	`key` text PRIMARY KEY NOT NULL,
	`webp` blob NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
