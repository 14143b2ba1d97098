-- Outlines edited on the map (issue #7): every edit belongs to a change set (author, reason, when)
-- and keeps the target's geometry (WKB) before and after it and the version it then had, so a
-- zone's history tells who moved its edges and why. No foreign key on the target: a grid cell
-- that make-grid deletes later keeps its history.
CREATE TABLE geometry_edit (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    change_set_id INTEGER NOT NULL REFERENCES change_set (id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('zone', 'segment')),
    target_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    geom_before BLOB NOT NULL,
    geom_after BLOB NOT NULL
);
CREATE INDEX geometry_edit_target ON geometry_edit (county_id, target_kind, target_id);
CREATE INDEX geometry_edit_change_set ON geometry_edit (county_id, change_set_id);
