#!/bin/sh
# First start of the PostgreSQL container: the roles of docs/operations.md ("Database roles").
# The owner runs the migrations; the nodes log in as `reclaim`, a member of reclaim_node that owns nothing;
# backups log in as reclaim_backup.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$RECLAIM_OWNER_PASSWORD" -v node_password="$RECLAIM_PASSWORD" \
  -v backup_password="$RECLAIM_BACKUP_PASSWORD" <<'SQL'
CREATE ROLE reclaim_app NOLOGIN;
CREATE ROLE reclaim_node NOLOGIN IN ROLE reclaim_app;
CREATE ROLE reclaim_owner LOGIN PASSWORD :'owner_password' IN ROLE reclaim_app;
CREATE ROLE reclaim LOGIN PASSWORD :'node_password' IN ROLE reclaim_node;
ALTER ROLE reclaim SET idle_in_transaction_session_timeout = '30s';
-- pg_dump: the owner is held by the forced policies (docs/operations.md, "Backups and restore").
CREATE ROLE reclaim_backup LOGIN PASSWORD :'backup_password' BYPASSRLS IN ROLE pg_read_all_data;
CREATE DATABASE reclaim OWNER reclaim_owner;
SQL
