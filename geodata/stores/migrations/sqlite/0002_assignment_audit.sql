-- Change sets can be reverted: an assignment remembers which change set closed it (and what its
-- end was before), and a reverted assignment is voided rather than deleted, so the audit keeps it.
ALTER TABLE assignment ADD COLUMN closed_by INTEGER REFERENCES change_set (id);
ALTER TABLE assignment ADD COLUMN closed_from TEXT;
ALTER TABLE assignment ADD COLUMN voided_by INTEGER REFERENCES change_set (id);
ALTER TABLE change_set ADD COLUMN reverts INTEGER REFERENCES change_set (id);
CREATE INDEX assignment_change_set ON assignment (county_id, change_set_id);
CREATE INDEX assignment_unit ON assignment (county_id, unit_id, valid_from);

DROP TRIGGER assignment_one_lead_insert;
DROP TRIGGER assignment_one_lead_update;

-- At most one lead per target at any instant, among assignments not voided by a revert.
CREATE TRIGGER assignment_one_lead_insert BEFORE INSERT ON assignment
WHEN NEW.role = 'lead' AND NEW.voided_by IS NULL AND EXISTS (
    SELECT 1
    FROM assignment AS a
    WHERE a.county_id = NEW.county_id
      AND a.target_kind = NEW.target_kind
      AND a.target_id = NEW.target_id
      AND a.role = 'lead'
      AND a.voided_by IS NULL
      AND a.valid_from < COALESCE(NEW.valid_to, '9999')
      AND COALESCE(a.valid_to, '9999') > NEW.valid_from
)
BEGIN
    SELECT RAISE(ABORT, 'overlapping lead assignment');
END;

CREATE TRIGGER assignment_one_lead_update BEFORE UPDATE ON assignment
WHEN NEW.role = 'lead' AND NEW.voided_by IS NULL AND EXISTS (
    SELECT 1
    FROM assignment AS a
    WHERE a.id <> NEW.id
      AND a.county_id = NEW.county_id
      AND a.target_kind = NEW.target_kind
      AND a.target_id = NEW.target_id
      AND a.role = 'lead'
      AND a.voided_by IS NULL
      AND a.valid_from < COALESCE(NEW.valid_to, '9999')
      AND COALESCE(a.valid_to, '9999') > NEW.valid_from
)
BEGIN
    SELECT RAISE(ABORT, 'overlapping lead assignment');
END;
