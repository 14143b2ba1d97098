-- The security audit log (等保 安全审计, geodata/audit.py): who did what, from where (a keyed hash
-- of the address), to what, with which result. Rows are chained: prev_hash is the row before's
-- hash, hash is SHA-256(prev_hash + this row's canonical content), so an edited row shows.
-- detail is text, not jsonb: the canonical JSON that was hashed is kept byte for byte.
CREATE TABLE audit_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    address_hash text NOT NULL DEFAULT '',
    action text NOT NULL,
    object text NOT NULL DEFAULT '',
    result text NOT NULL CHECK (result IN ('ok', 'refused', 'error')),
    detail text NOT NULL DEFAULT '{}',
    prev_hash text NOT NULL,
    hash text NOT NULL
);
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_actor ON audit_event (actor, id);
CREATE INDEX audit_event_action ON audit_event (action, id);

-- History only grows (DESIGN §11, STYLE 12d): the audit log, change sets, case events and outline
-- edits are never updated, deleted or truncated.
CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation', HINT = 'history tables only ever grow (migration 0012)';
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER change_set_append_only BEFORE UPDATE OR DELETE ON change_set
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER change_set_no_truncate BEFORE TRUNCATE ON change_set
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER incident_event_append_only BEFORE UPDATE OR DELETE ON incident_event
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER incident_event_no_truncate BEFORE TRUNCATE ON incident_event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER geometry_edit_append_only BEFORE UPDATE OR DELETE ON geometry_edit
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER geometry_edit_no_truncate BEFORE TRUNCATE ON geometry_edit
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER assignment_no_delete BEFORE DELETE ON assignment
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER assignment_no_truncate BEFORE TRUNCATE ON assignment
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- An assignment row is never deleted (a merged segment's rows are voided by the merge). It
-- changes in three ways only, each recorded by a change set, and nothing else in it ever does:
--   close   a new lead ends it earlier: valid_to set, closed_by its change set (NULL for an
--           assignment made without one), closed_from the old end;
--   reopen  the closing change set is reverted: valid_to back to closed_from, closed_* cleared;
--   void    its own change set is reverted (or its segment merged away): voided_by set, once.
CREATE FUNCTION assignment_history_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.county_id, NEW.unit_id, NEW.target_kind, NEW.target_id, NEW.role, NEW.person,
        NEW.phone, NEW.duties, NEW.valid_from, NEW.change_set_id)
       IS DISTINCT FROM
       (OLD.id, OLD.county_id, OLD.unit_id, OLD.target_kind, OLD.target_id, OLD.role, OLD.person,
        OLD.phone, OLD.duties, OLD.valid_from, OLD.change_set_id) THEN
        RAISE EXCEPTION 'assignment history is append-only: only valid_to, closed_by, closed_from and voided_by change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.closed_by IS NULL AND NEW.closed_from IS NOT DISTINCT FROM OLD.valid_to AND NEW.valid_to IS NOT NULL
       AND (OLD.valid_to IS NULL OR NEW.valid_to < OLD.valid_to)
       AND OLD.voided_by IS NULL AND NEW.voided_by IS NULL THEN
        RETURN NEW;  -- closed by a new lead
    END IF;
    IF OLD.closed_by IS NOT NULL AND NEW.closed_by IS NULL AND NEW.closed_from IS NULL
       AND NEW.valid_to IS NOT DISTINCT FROM OLD.closed_from AND NEW.voided_by IS NOT DISTINCT FROM OLD.voided_by
       AND EXISTS (SELECT 1 FROM change_set AS r WHERE r.reverts = OLD.closed_by) THEN
        RETURN NEW;  -- reopened: the change set that closed it was reverted
    END IF;
    IF OLD.voided_by IS NULL AND NEW.voided_by IS NOT NULL AND NEW.valid_to IS NOT DISTINCT FROM OLD.valid_to
       AND NEW.closed_by IS NOT DISTINCT FROM OLD.closed_by AND NEW.closed_from IS NOT DISTINCT FROM OLD.closed_from THEN
        RETURN NEW;  -- voided, once
    END IF;
    RAISE EXCEPTION 'assignment history is append-only: only closing, reopening on a revert or voiding is allowed'
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER assignment_history_only BEFORE UPDATE ON assignment
    FOR EACH ROW EXECUTE FUNCTION assignment_history_only();
