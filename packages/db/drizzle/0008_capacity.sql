ALTER TABLE "latest_results" ADD COLUMN "concurrency" integer;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "requests_per_s" double precision;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "slo" text;--> statement-breakpoint
ALTER TABLE "latest_results" ADD COLUMN "capacity_qps" double precision;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "load" jsonb;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "slo" text;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "capacity_qps" double precision;--> statement-breakpoint
-- The leaderboard ranks by requests/s at the SLO and the capacity plan reads latest_results alone, so the
-- trigger of migration 0006 now copies concurrency, closed-loop requests/s, the SLO and the capacity too.
CREATE OR REPLACE FUNCTION "latest_results_track"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "latest_results" AS l ("cell_id", "result_id", "model", "hardware_class", "ep", "precision", "batch", "status", "valid", "unstable",
    "p50_ms", "p90_ms", "p95_ms", "p99_ms", "throughput", "energy_per_inference_j",
    "ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "itl_p99_ms", "decode_tokens_per_s",
    "concurrency", "requests_per_s", "slo", "capacity_qps")
  VALUES (NEW."cell_id", NEW."id", NEW."model", NEW."hardware_class", NEW."ep", NEW."precision", NEW."batch", NEW."status", NEW."valid", NEW."unstable",
    NEW."p50_ms", NEW."p90_ms", NEW."p95_ms", NEW."p99_ms", NEW."throughput", NEW."energy_per_inference_j",
    NEW."ttft_p50_ms", NEW."ttft_p99_ms", NEW."itl_p50_ms", NEW."itl_p99_ms", NEW."decode_tokens_per_s",
    NEW."concurrency", NEW."requests_per_s", NEW."slo", NEW."capacity_qps")
  ON CONFLICT ("cell_id") DO UPDATE SET
    ("result_id", "ep", "precision", "batch", "status", "valid", "unstable", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "throughput", "energy_per_inference_j",
     "ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "itl_p99_ms", "decode_tokens_per_s",
     "concurrency", "requests_per_s", "slo", "capacity_qps") =
    (EXCLUDED."result_id", EXCLUDED."ep", EXCLUDED."precision", EXCLUDED."batch", EXCLUDED."status", EXCLUDED."valid", EXCLUDED."unstable",
     EXCLUDED."p50_ms", EXCLUDED."p90_ms", EXCLUDED."p95_ms", EXCLUDED."p99_ms", EXCLUDED."throughput", EXCLUDED."energy_per_inference_j",
     EXCLUDED."ttft_p50_ms", EXCLUDED."ttft_p99_ms", EXCLUDED."itl_p50_ms", EXCLUDED."itl_p99_ms", EXCLUDED."decode_tokens_per_s",
     EXCLUDED."concurrency", EXCLUDED."requests_per_s", EXCLUDED."slo", EXCLUDED."capacity_qps")
  WHERE l."result_id" < EXCLUDED."result_id";
  RETURN NULL;
END;
$$;--> statement-breakpoint
UPDATE "latest_results" l SET "concurrency" = r."concurrency", "requests_per_s" = r."requests_per_s"
  FROM "results" r WHERE r."id" = l."result_id";
