DROP INDEX "results_model_hw_idx";--> statement-breakpoint
DROP INDEX "results_model_id_idx";--> statement-breakpoint
DROP INDEX "results_hw_id_idx";--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "ep" text;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "precision" text;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "batch" integer;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "valid" boolean;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "unstable" boolean;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "p50_ms" double precision;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "p90_ms" double precision;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "p95_ms" double precision;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "p99_ms" double precision;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "throughput" double precision;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "energy_per_inference_j" double precision;--> statement-breakpoint
CREATE INDEX "results_model_hw_recorded_idx" ON "results" USING btree ("model","hardware_class","recorded_at","id");--> statement-breakpoint
CREATE INDEX "results_model_recorded_idx" ON "results" USING btree ("model","recorded_at","id");--> statement-breakpoint
CREATE INDEX "results_hw_recorded_idx" ON "results" USING btree ("hardware_class","recorded_at","id");--> statement-breakpoint
-- latest_results now carries the figures a ranking needs, so a leaderboard ranks without joining results.
-- Only inserts change results rows, so the insert trigger keeps these columns current.
CREATE OR REPLACE FUNCTION "latest_results_track"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "latest_results" AS l ("cell_id", "result_id", "model", "hardware_class", "ep", "precision", "batch", "status", "valid", "unstable",
    "p50_ms", "p90_ms", "p95_ms", "p99_ms", "throughput", "energy_per_inference_j")
  VALUES (NEW."cell_id", NEW."id", NEW."model", NEW."hardware_class", NEW."ep", NEW."precision", NEW."batch", NEW."status", NEW."valid", NEW."unstable",
    NEW."p50_ms", NEW."p90_ms", NEW."p95_ms", NEW."p99_ms", NEW."throughput", NEW."energy_per_inference_j")
  ON CONFLICT ("cell_id") DO UPDATE SET
    ("result_id", "ep", "precision", "batch", "status", "valid", "unstable", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "throughput", "energy_per_inference_j") =
    (EXCLUDED."result_id", EXCLUDED."ep", EXCLUDED."precision", EXCLUDED."batch", EXCLUDED."status", EXCLUDED."valid", EXCLUDED."unstable",
     EXCLUDED."p50_ms", EXCLUDED."p90_ms", EXCLUDED."p95_ms", EXCLUDED."p99_ms", EXCLUDED."throughput", EXCLUDED."energy_per_inference_j")
  WHERE l."result_id" < EXCLUDED."result_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
UPDATE "latest_results" l SET "ep" = r."ep", "precision" = r."precision", "batch" = r."batch", "status" = r."status", "valid" = r."valid",
  "unstable" = r."unstable", "p50_ms" = r."p50_ms", "p90_ms" = r."p90_ms", "p95_ms" = r."p95_ms", "p99_ms" = r."p99_ms",
  "throughput" = r."throughput", "energy_per_inference_j" = r."energy_per_inference_j"
FROM "results" r WHERE r."id" = l."result_id";
