CREATE TABLE "avatars" (
	"key" text PRIMARY KEY NOT NULL,
	"webp" "bytea" NOT NULL,
	"created_at" bigint DEFAULT (extract(epoch from clock_timestamp()) * 1000)::bigint NOT NULL
);
