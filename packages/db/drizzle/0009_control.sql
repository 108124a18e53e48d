CREATE TABLE "control_results" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"hardware_class" text NOT NULL,
	"position" text NOT NULL,
	"p50_ms" double precision NOT NULL,
	"samples_ms" jsonb NOT NULL,
	"iterations" integer NOT NULL,
	"model_sha256" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "judgements" ADD COLUMN "raw_ratio" double precision;--> statement-breakpoint
ALTER TABLE "judgements" ADD COLUMN "control_ratio" double precision;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "control_factor" double precision;--> statement-breakpoint
ALTER TABLE "control_results" ADD CONSTRAINT "control_results_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "control_results_run_agent_position_idx" ON "control_results" USING btree ("run_id","agent_id","position");--> statement-breakpoint
CREATE INDEX "control_results_agent_idx" ON "control_results" USING btree ("agent_id","recorded_at");