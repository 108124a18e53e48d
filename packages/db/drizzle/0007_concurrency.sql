ALTER TABLE "results" ADD COLUMN "concurrency" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "concurrency_mode" text;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "mean_in_flight" double precision;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "requests_per_s" double precision;
