CREATE TABLE "api_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_sha256_unique" UNIQUE("token_sha256")
);
--> statement-breakpoint
CREATE TABLE "latest_results" (
	"cell_id" text PRIMARY KEY NOT NULL,
	"result_id" integer NOT NULL,
	"model" text NOT NULL,
	"hardware_class" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "labels" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "latest_results" ADD CONSTRAINT "latest_results_result_id_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."results"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "latest_results_model_idx" ON "latest_results" USING btree ("model","hardware_class");--> statement-breakpoint
CREATE INDEX "results_model_id_idx" ON "results" USING btree ("model","id");--> statement-breakpoint
CREATE INDEX "results_hw_id_idx" ON "results" USING btree ("hardware_class","id");--> statement-breakpoint
CREATE INDEX "results_cell_id_idx" ON "results" USING btree ("cell_id","id");--> statement-breakpoint
CREATE INDEX "results_recorded_at_idx" ON "results" USING btree ("recorded_at","id");--> statement-breakpoint
-- The leaderboard reads latest_results: the newest result per configuration, kept here for every writer.
-- `unschedulable` says nothing about the hardware (no agent was there), so it never hides a measured result.
CREATE FUNCTION "latest_results_track"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "latest_results" ("cell_id", "result_id", "model", "hardware_class")
  VALUES (NEW."cell_id", NEW."id", NEW."model", NEW."hardware_class")
  ON CONFLICT ("cell_id") DO UPDATE SET "result_id" = EXCLUDED."result_id"
  WHERE "latest_results"."result_id" < EXCLUDED."result_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "results_latest_track" AFTER INSERT ON "results"
FOR EACH ROW WHEN (NEW."status" <> 'unschedulable') EXECUTE FUNCTION "latest_results_track"();
--> statement-breakpoint
INSERT INTO "latest_results" ("cell_id", "result_id", "model", "hardware_class")
SELECT DISTINCT ON ("cell_id") "cell_id", "id", "model", "hardware_class" FROM "results"
WHERE "status" <> 'unschedulable' ORDER BY "cell_id", "id" DESC;
