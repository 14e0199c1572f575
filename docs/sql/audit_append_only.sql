-- Make audit_events append-only on PostgreSQL (README "Audit trail").
--
-- Run once as the owner of the tables (the role that ran `flask --app wsgi db upgrade`), after the
-- migrations, replacing ovop_app with the role the service connects as (DATABASE_URL). Idempotent:
--   psql "$OWNER_DATABASE_URL" -v ON_ERROR_STOP=1 -f docs/sql/audit_append_only.sql
--
-- Users referenced by audit events must be deactivated (`flask --app wsgi users deactivate EMAIL`), not
-- deleted: deleting one would rewrite audit_events.actor_id, which the trigger below refuses.

-- 1. Privileges: the service may read and add events, never change or remove them.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ovop_app;
GRANT SELECT, INSERT ON audit_events TO ovop_app;
GRANT USAGE, SELECT ON SEQUENCE audit_events_id_seq TO ovop_app;

-- 2. A trigger refuses UPDATE, DELETE and TRUNCATE for every role, the table owner included.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events;
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
