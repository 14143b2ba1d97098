-- The responsibility-zone schema on SQLite. Geometry is WKB; bounding boxes live in R*Trees
-- keyed by the row id. Times are ISO 8601 UTC text, which sorts in time order.

CREATE TABLE county (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    extent BLOB,
    boundary BLOB,
    utm_epsg INTEGER
);

CREATE TABLE unit (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'bureau',
    hotline TEXT NOT NULL DEFAULT '',
    UNIQUE (county_id, code)
);

CREATE TABLE zone (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    kind TEXT NOT NULL CHECK (kind IN ('subdistrict', 'community', 'grid')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES zone (id),
    area_m2 REAL NOT NULL,
    tier TEXT,
    titles TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    geom BLOB NOT NULL,
    UNIQUE (county_id, kind, code)
);
CREATE VIRTUAL TABLE zone_rtree USING rtree (id, minx, maxx, miny, maxy);

CREATE TABLE segment (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    name TEXT NOT NULL DEFAULT '',
    highway TEXT NOT NULL DEFAULT '',
    source_id TEXT NOT NULL DEFAULT '',
    length_m REAL NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    geom BLOB NOT NULL,
    geom_m BLOB NOT NULL
);
CREATE INDEX segment_county ON segment (county_id);
CREATE VIRTUAL TABLE segment_rtree USING rtree (id, minx, maxx, miny, maxy);

CREATE TABLE change_set (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    geom BLOB
);

CREATE TABLE assignment (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('zone', 'segment')),
    target_id INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
    person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    duties TEXT NOT NULL DEFAULT '[]',
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    change_set_id INTEGER REFERENCES change_set (id),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX assignment_target ON assignment (county_id, target_kind, target_id, role, valid_from);

-- At most one lead per target at any instant, whatever writes the row.
CREATE TRIGGER assignment_one_lead_insert BEFORE INSERT ON assignment
WHEN NEW.role = 'lead' AND EXISTS (
    SELECT 1
    FROM assignment AS a
    WHERE a.county_id = NEW.county_id
      AND a.target_kind = NEW.target_kind
      AND a.target_id = NEW.target_id
      AND a.role = 'lead'
      AND a.valid_from < COALESCE(NEW.valid_to, '9999')
      AND COALESCE(a.valid_to, '9999') > NEW.valid_from
)
BEGIN
    SELECT RAISE(ABORT, 'overlapping lead assignment');
END;

CREATE TRIGGER assignment_one_lead_update BEFORE UPDATE ON assignment
WHEN NEW.role = 'lead' AND EXISTS (
    SELECT 1
    FROM assignment AS a
    WHERE a.id <> NEW.id
      AND a.county_id = NEW.county_id
      AND a.target_kind = NEW.target_kind
      AND a.target_id = NEW.target_id
      AND a.role = 'lead'
      AND a.valid_from < COALESCE(NEW.valid_to, '9999')
      AND COALESCE(a.valid_to, '9999') > NEW.valid_from
)
BEGIN
    SELECT RAISE(ABORT, 'overlapping lead assignment');
END;

CREATE TABLE incident (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'inspector',
    reported_at TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    zone_id INTEGER,
    segment_id INTEGER,
    unit_id INTEGER
);
CREATE INDEX incident_county_time ON incident (county_id, reported_at);
CREATE VIRTUAL TABLE incident_rtree USING rtree (id, minx, maxx, miny, maxy);

CREATE TABLE incident_event (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_event_incident ON incident_event (county_id, incident_id);

CREATE TABLE inspection (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('zone', 'segment')),
    target_id INTEGER NOT NULL,
    inspector TEXT NOT NULL,
    panel TEXT NOT NULL,
    inspected_at TEXT NOT NULL,
    score REAL NOT NULL,
    items TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX inspection_target ON inspection (county_id, target_kind, target_id);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    county_id INTEGER REFERENCES county (id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'unit_staff', 'inspector')),
    unit_id INTEGER REFERENCES unit (id)
);
