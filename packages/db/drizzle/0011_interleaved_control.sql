ALTER TABLE "judgements" ADD COLUMN "control_source" text;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "interleaved_control" jsonb;--> statement-breakpoint
UPDATE "judgements" SET "control_source" = 'night' WHERE "raw_ratio" IS NOT NULL;
