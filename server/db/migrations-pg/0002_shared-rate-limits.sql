CREATE TABLE "rate_limits" (
	"bucket" text NOT NULL,
	"key_hash" "bytea" NOT NULL,
	"count" integer NOT NULL,
	"window_ends_at" bigint NOT NULL,
	CONSTRAINT "rate_limits_bucket_key_hash_pk" PRIMARY KEY("bucket","key_hash")
);
--> statement-breakpoint
CREATE INDEX "rate_limits_window_idx" ON "rate_limits" USING btree ("window_ends_at");