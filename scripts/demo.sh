#!/usr/bin/env bash
# `make demo`: installs what is missing, builds Confiture into PostgreSQL 15, starts a throwaway
# cluster, loads a realistic multi-tenant schema, shows every capability on it, stops the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

bash scripts/setup.sh
echo "==> building and installing Confiture into PostgreSQL 15"
install_extension >/dev/null

CLUSTER=$(mktemp -d /tmp/confiture-demo.XXXXXX)
trap 'stop_cluster "$CLUSTER"; rm -rf "$CLUSTER"' EXIT
echo "==> starting a throwaway cluster in $CLUSTER (Unix socket only)"
CONFITURE_PORT=${CONFITURE_PORT:-54316} start_cluster "$CLUSTER"

echo "==> creating the demo database: tenants, users, orders, order_items, invoices, audit_log"
"$PG_BIN/createdb" demo
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d demo -f scripts/demo/schema.sql
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d demo -c 'CREATE EXTENSION confiture'

# Errors are part of the show, so the showcase does not stop on them.
"$PG_BIN/psql" -X -d demo -f scripts/demo/showcase.sql 2>&1
echo
echo "==> demo done; the cluster is stopped and removed"
