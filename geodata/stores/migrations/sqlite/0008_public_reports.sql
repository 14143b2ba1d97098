-- 随手拍 (issue #8): what the public sends waits here, outside the case tables, until staff approve
-- it (it is then filed as a case: incident_id), merge it into a case it repeats (incident_id is that
-- case) or reject it with a reason the public reads. ``client`` is a keyed hash of the sender's
-- address, kept for the rate limit only; ``contact`` is private, like incident.contact.
CREATE TABLE public_report (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    token TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL REFERENCES category (code),
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    photo_name TEXT,
    photo_public_name TEXT,
    photo_type TEXT,
    photo_size INTEGER,
    client TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'merged', 'rejected')),
    public_reason TEXT NOT NULL DEFAULT '',
    moderated_by TEXT,
    moderated_at TEXT,
    incident_id INTEGER REFERENCES incident (id)
);
CREATE INDEX public_report_client ON public_report (county_id, client, submitted_at);
CREATE INDEX public_report_state ON public_report (county_id, state, submitted_at);
