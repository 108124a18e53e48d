ALTER TABLE "results" ADD COLUMN "inter_op_threads" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "execution_mode" text DEFAULT 'sequential' NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "memory_pattern" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "cpu_arena" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "ep_options" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "free_dimensions" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "session_config" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "windows" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "samples_ms" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "unstable" boolean;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "valid" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "achieved_gflops" double precision;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "energy_per_inference_j" double precision;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "telemetry" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "parity" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "profile" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "model_facts" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "provenance" jsonb;--> statement-breakpoint
-- Rows recorded before parity existed: every ok result was rankable.
UPDATE "results" SET "valid" = true WHERE "status" = 'ok';
