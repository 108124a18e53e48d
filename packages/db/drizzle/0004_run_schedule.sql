ALTER TABLE "runs" ADD COLUMN "schedule" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "workflow_id" text;