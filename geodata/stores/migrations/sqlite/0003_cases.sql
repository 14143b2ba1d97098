-- Incidents become cases (issue #4): categories as a table, deadlines, duplicates, the boundary
-- review queue, rework, photos, API keys for Open311 clients, idempotent reporting.
CREATE TABLE category (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    deadline_hours INTEGER NOT NULL CHECK (deadline_hours > 0),
    public INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO category (code, name_zh, name_en, deadline_hours, public, sort) VALUES
    ('posters', '牛皮癣', 'Illegal posters', 24, 1, 1),
    ('street_vending', '占道经营', 'Street vending', 4, 1, 2),
    ('parking', '乱停车', 'Illegal parking', 2, 1, 3),
    ('outdoor_ads', '户外广告', 'Outdoor advertising', 72, 1, 4),
    ('sanitation', '环境卫生', 'Litter and sanitation', 24, 1, 5),
    ('construction_waste', '建筑垃圾', 'Construction waste', 48, 1, 6),
    ('road_damage', '道路破损', 'Damaged road or pavement', 72, 1, 7),
    ('manhole', '井盖缺失', 'Missing manhole cover', 4, 1, 8),
    ('greenery', '绿化损毁', 'Damaged greenery', 72, 1, 9),
    ('staff_conduct', '执法人员作风', 'Conduct of enforcement staff', 72, 0, 10);

ALTER TABLE incident ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN reporter TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN deadline_at TEXT;
ALTER TABLE incident ADD COLUMN updated_at TEXT;
ALTER TABLE incident ADD COLUMN duplicate_of INTEGER REFERENCES incident (id);
ALTER TABLE incident ADD COLUMN review_units TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incident ADD COLUMN rework INTEGER NOT NULL DEFAULT 0;
CREATE INDEX incident_status ON incident (county_id, status, deadline_at);
CREATE INDEX incident_unit ON incident (county_id, unit_id, reported_at);

CREATE TABLE incident_photo (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    name TEXT NOT NULL UNIQUE,
    public_name TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX incident_photo_incident ON incident_photo (county_id, incident_id);

CREATE TABLE api_key (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'unit_staff', 'inspector')),
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- The first answer to a request carrying an Idempotency-Key, replayed for a repeat.
CREATE TABLE idempotency (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
