-- How a unit handles its cases beyond the steps (issue #19 part 2, geodata/cases/handling.py):
-- requests on a case (回退 a unit's return of a case not its own, 延期 a unit's request for a later
-- deadline, 挂账 a leader's putting a case on record with a plan and a review date) and 督办
-- (supervision orders on overdue cases, raised by the portal or by a leader, answered by the unit).
-- Rows are added and their state moves forward; none is deleted.
CREATE TABLE case_request (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    kind TEXT NOT NULL CHECK (kind IN ('return', 'extend', 'shelve')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'ended')),
    unit_id INTEGER REFERENCES unit (id),
    asked_by TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    old_deadline_at TEXT,
    deadline_at TEXT,
    review_on TEXT,
    decided_by TEXT,
    decided_at TEXT,
    decision TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_request_incident ON case_request (incident_id, kind, id);
CREATE INDEX case_request_open ON case_request (county_id, state, kind);
-- One pending request of a kind per case at a time.
CREATE UNIQUE INDEX case_request_one_pending ON case_request (incident_id, kind) WHERE state = 'pending';

CREATE TABLE supervision (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    unit_id INTEGER REFERENCES unit (id),
    level INTEGER NOT NULL CHECK (level IN (1, 2)),
    state TEXT NOT NULL CHECK (state IN ('open', 'answered', 'closed')),
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT,
    answered_at TEXT,
    closed_by TEXT,
    closed_at TEXT
);
CREATE INDEX supervision_incident ON supervision (incident_id, id);
CREATE INDEX supervision_open ON supervision (county_id, state, unit_id);
-- The portal raises each level once per case.
CREATE UNIQUE INDEX supervision_automatic ON supervision (incident_id, level) WHERE raised_by = '系统';
