CREATE TABLE "accepted_baselines" (
	"result_id" integer PRIMARY KEY NOT NULL,
	"cell_id" text NOT NULL,
	"note" text,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "judgements" (
	"id" serial PRIMARY KEY NOT NULL,
	"result_id" integer NOT NULL,
	"run_id" text NOT NULL,
	"cell_id" text NOT NULL,
	"model" text NOT NULL,
	"hardware_class" text NOT NULL,
	"verdict" text NOT NULL,
	"confirmed" boolean NOT NULL,
	"ratio" double precision,
	"interval_low" double precision,
	"interval_high" double precision,
	"p_value" double precision,
	"baseline" jsonb,
	"drift" jsonb NOT NULL,
	"reasons" jsonb NOT NULL,
	"judged_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "judgements_result_id_unique" UNIQUE("result_id")
);
--> statement-breakpoint
ALTER TABLE "accepted_baselines" ADD CONSTRAINT "accepted_baselines_result_id_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."results"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judgements" ADD CONSTRAINT "judgements_result_id_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."results"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "judgements_verdict_idx" ON "judgements" USING btree ("verdict","id");--> statement-breakpoint
CREATE INDEX "judgements_cell_idx" ON "judgements" USING btree ("cell_id","id");