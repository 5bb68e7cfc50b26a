#!/usr/bin/env bash
# `make demo`: installs what is missing, builds Confiture into PostgreSQL 15, starts a throwaway
# cluster, loads a realistic multi-tenant schema, shows every capability on it, stops the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

bash scripts/setup.sh
echo "==> building and installing Confiture into PostgreSQL 15"
install_extension >/dev/null

echo "==> starting a throwaway cluster (Unix socket only, removed at the end)"
start_throwaway_cluster demo

echo "==> creating the demo database: tenants, users, orders, order_items, invoices, audit_log"
create_confiture_database demo
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d demo -f scripts/demo/schema.sql

# Errors are part of the show, so the showcase does not stop on them.
"$PG_BIN/psql" -X -d demo -f scripts/demo/showcase.sql 2>&1
echo
echo "==> demo done; the cluster is stopped and removed"
