-- Change sets can be reverted: an assignment remembers which change set closed it (and what its
-- end was before), and a reverted assignment is voided rather than deleted, so the audit keeps it.
ALTER TABLE assignment ADD COLUMN closed_by integer REFERENCES change_set (id);
ALTER TABLE assignment ADD COLUMN closed_from timestamptz;
ALTER TABLE assignment ADD COLUMN voided_by integer REFERENCES change_set (id);
ALTER TABLE change_set ADD COLUMN reverts integer REFERENCES change_set (id);
CREATE INDEX assignment_change_set ON assignment (county_id, change_set_id);
CREATE INDEX assignment_unit ON assignment (county_id, unit_id, valid_from);

-- At most one lead per target at any instant, among assignments not voided by a revert.
ALTER TABLE assignment DROP CONSTRAINT assignment_one_lead;
ALTER TABLE assignment ADD CONSTRAINT assignment_one_lead EXCLUDE USING gist (
    county_id WITH =,
    target_kind WITH =,
    target_id WITH =,
    tstzrange(valid_from, valid_to) WITH &&
) WHERE (role = 'lead' AND voided_by IS NULL);
