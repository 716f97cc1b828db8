ALTER TABLE `orders` ADD `payment_ref` text;--> statement-breakpoint
CREATE INDEX `orders_payment_ref_idx` ON `orders` (`provider`,`payment_ref`);