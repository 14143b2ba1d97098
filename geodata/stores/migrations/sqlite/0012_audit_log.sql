-- The security audit log (等保 安全审计, geodata/audit.py): who did what, from where (a keyed hash
-- of the address), to what, with which result. Rows are chained: prev_hash is the row before's
-- hash, hash is SHA-256(prev_hash + this row's canonical content), so an edited row shows.
CREATE TABLE audit_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    address_hash TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL CHECK (result IN ('ok', 'refused', 'error')),
    detail TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_actor ON audit_event (actor, id);
CREATE INDEX audit_event_action ON audit_event (action, id);

-- History only grows (DESIGN §11, STYLE 12d): the audit log, change sets, case events and outline
-- edits are never updated or deleted.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused');
END;
CREATE TRIGGER change_set_no_update BEFORE UPDATE ON change_set
BEGIN
    SELECT RAISE(ABORT, 'change_set is append-only: UPDATE refused');
END;
CREATE TRIGGER change_set_no_delete BEFORE DELETE ON change_set
BEGIN
    SELECT RAISE(ABORT, 'change_set is append-only: DELETE refused');
END;
CREATE TRIGGER incident_event_no_update BEFORE UPDATE ON incident_event
BEGIN
    SELECT RAISE(ABORT, 'incident_event is append-only: UPDATE refused');
END;
CREATE TRIGGER incident_event_no_delete BEFORE DELETE ON incident_event
BEGIN
    SELECT RAISE(ABORT, 'incident_event is append-only: DELETE refused');
END;
CREATE TRIGGER geometry_edit_no_update BEFORE UPDATE ON geometry_edit
BEGIN
    SELECT RAISE(ABORT, 'geometry_edit is append-only: UPDATE refused');
END;
CREATE TRIGGER geometry_edit_no_delete BEFORE DELETE ON geometry_edit
BEGIN
    SELECT RAISE(ABORT, 'geometry_edit is append-only: DELETE refused');
END;

-- An assignment row is never deleted (a merged segment's rows are voided by the merge). It
-- changes in three ways only, each recorded by a change set, and nothing else in it ever does:
--   close   a new lead ends it earlier: valid_to set, closed_by its change set (NULL for an
--           assignment made without one), closed_from the old end;
--   reopen  the closing change set is reverted: valid_to back to closed_from, closed_* cleared;
--   void    its own change set is reverted (or its segment merged away): voided_by set, once.
CREATE TRIGGER assignment_no_delete BEFORE DELETE ON assignment
BEGIN
    SELECT RAISE(ABORT, 'assignment is append-only: DELETE refused (void the row instead)');
END;
CREATE TRIGGER assignment_history_only BEFORE UPDATE ON assignment
WHEN NOT (
    NEW.id = OLD.id AND NEW.county_id = OLD.county_id AND NEW.unit_id = OLD.unit_id
    AND NEW.target_kind = OLD.target_kind AND NEW.target_id = OLD.target_id AND NEW.role = OLD.role
    AND NEW.person IS OLD.person AND NEW.phone IS OLD.phone AND NEW.duties IS OLD.duties
    AND NEW.valid_from = OLD.valid_from AND NEW.change_set_id IS OLD.change_set_id
    AND (
        (OLD.closed_by IS NULL AND NEW.closed_from IS OLD.valid_to AND NEW.valid_to IS NOT NULL
         AND (OLD.valid_to IS NULL OR NEW.valid_to < OLD.valid_to)
         AND OLD.voided_by IS NULL AND NEW.voided_by IS NULL)
        OR (OLD.closed_by IS NOT NULL AND NEW.closed_by IS NULL AND NEW.closed_from IS NULL
            AND NEW.valid_to IS OLD.closed_from AND NEW.voided_by IS OLD.voided_by
            AND EXISTS (SELECT 1 FROM change_set AS r WHERE r.reverts = OLD.closed_by))
        OR (OLD.voided_by IS NULL AND NEW.voided_by IS NOT NULL AND NEW.valid_to IS OLD.valid_to
            AND NEW.closed_by IS OLD.closed_by AND NEW.closed_from IS OLD.closed_from)
    )
)
BEGIN
    SELECT RAISE(ABORT, 'assignment history is append-only: only closing, reopening on a revert or voiding is allowed');
END;
