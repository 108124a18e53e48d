#!/bin/sh
# Creates Temporal's two databases in the fleet's PostgreSQL and brings their schemas to the version this
# admin-tools image ships. Every step is idempotent (an existing database is kept, applied versions are
# skipped), so it runs on every `docker compose up` and upgrades the schema after a Temporal version bump.
# The password comes from SQL_PASSWORD, which temporal-sql-tool reads itself.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
port="${DB_PORT:-5432}"
schema=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) versions="$schema/temporal/versioned" ;;
    *) versions="$schema/visibility/versioned" ;;
  esac
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$versions"
done
echo "Temporal schemas are up to date"
