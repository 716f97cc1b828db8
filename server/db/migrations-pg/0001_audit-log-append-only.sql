-- Added by hand (drizzle-kit has no triggers): the audit log is append-only, whatever code runs.
CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admin_audit_log is append-only';
END;
$$;--> statement-breakpoint
CREATE TRIGGER admin_audit_log_no_update BEFORE UPDATE ON admin_audit_log FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER admin_audit_log_no_delete BEFORE DELETE ON admin_audit_log FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only();
