-- The database role model (README "Database roles"). Run once per database as a superuser (or a role with
-- CREATEROLE that owns the database), before the first migration; idempotent:
--   psql "$SUPERUSER_DATABASE_URL" -v ON_ERROR_STOP=1 -f docs/sql/roles.sql
-- Then set the passwords (ALTER ROLE ... PASSWORD), run the migrations as ovop_owner, apply
-- docs/sql/audit_append_only.sql as ovop_owner, and run the service as ovop_app.
--
--   ovop_owner  owns the schema's tables: runs `flask db upgrade` and `load-reference`; never serves requests.
--   ovop_app    the service (DATABASE_URL): reads and writes rows, nothing else. It owns no table, so it
--               cannot ALTER, DROP or disable a trigger on any of them, nor create new ones.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ovop_owner') THEN
    CREATE ROLE ovop_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ovop_app') THEN
    CREATE ROLE ovop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ovop_owner, ovop_app', current_database());
END $$;

-- Only the owner creates objects in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO ovop_owner;
GRANT USAGE ON SCHEMA public TO ovop_app;

-- Row access for the service, on the tables that exist and on those later migrations create.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ovop_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ovop_app;
ALTER DEFAULT PRIVILEGES FOR ROLE ovop_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ovop_app;
ALTER DEFAULT PRIVILEGES FOR ROLE ovop_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO ovop_app;
