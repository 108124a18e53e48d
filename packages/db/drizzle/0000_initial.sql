CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"hardware_class" text NOT NULL,
	"task_queue" text NOT NULL,
	"probe" jsonb NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"cell_id" text NOT NULL,
	"model" text NOT NULL,
	"model_sha256" text,
	"hardware_class" text NOT NULL,
	"agent_id" text,
	"ep" text NOT NULL,
	"precision" text NOT NULL,
	"batch" integer NOT NULL,
	"graph_optimization" text NOT NULL,
	"intra_op_threads" integer NOT NULL,
	"session_options" jsonb,
	"status" text NOT NULL,
	"reason" text,
	"session_create_ms" double precision,
	"first_inference_ms" double precision,
	"warmup_iterations" integer,
	"iterations" integer,
	"duration_ms" double precision,
	"throughput" double precision,
	"min_ms" double precision,
	"mean_ms" double precision,
	"std_ms" double precision,
	"p50_ms" double precision,
	"p90_ms" double precision,
	"p95_ms" double precision,
	"p99_ms" double precision,
	"p999_ms" double precision,
	"max_ms" double precision,
	"p50_ci_low_ms" double precision,
	"p50_ci_high_ms" double precision,
	"cv" double precision,
	"histogram" jsonb,
	"note" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agents_hardware_class_idx" ON "agents" USING btree ("hardware_class");--> statement-breakpoint
CREATE UNIQUE INDEX "results_run_cell_uq" ON "results" USING btree ("run_id","cell_id");--> statement-breakpoint
CREATE INDEX "results_model_hw_idx" ON "results" USING btree ("model","hardware_class");