#!/bin/sh
# First start of the PostgreSQL container: the roles of docs/operations.md ("Database roles").
# The owner runs the migrations; the nodes log in as `reclaim`, a member of reclaim_node that owns nothing.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$RECLAIM_OWNER_PASSWORD" -v node_password="$RECLAIM_PASSWORD" <<'SQL'
CREATE ROLE reclaim_app NOLOGIN;
CREATE ROLE reclaim_node NOLOGIN IN ROLE reclaim_app;
CREATE ROLE reclaim_owner LOGIN PASSWORD :'owner_password' IN ROLE reclaim_app;
CREATE ROLE reclaim LOGIN PASSWORD :'node_password' IN ROLE reclaim_node;
ALTER ROLE reclaim SET idle_in_transaction_session_timeout = '30s';
CREATE DATABASE reclaim OWNER reclaim_owner;
SQL
