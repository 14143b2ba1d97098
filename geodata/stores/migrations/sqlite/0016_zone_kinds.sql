-- Two more kinds of zone (issue #17 part 5): 村 (village, a rural community) and 楼院 (courtyard,
-- a housing compound inside a community). SQLite cannot alter a CHECK, so the zone table is rebuilt
-- the documented way (sqlite.org/lang_altertable.html#otheralter): a new table, the rows copied
-- with their ids, the old table dropped, the new one renamed, then what was attached to the old
-- one made again. The migration runs with foreign keys off (SqliteStore.migrate) and checks them
-- before it commits, so dropping the old table deletes no row and breaks no reference: the
-- parent_id of zones and the zone_id of tier_decision and title_award find the same ids again.
-- zone_rtree is keyed by those ids and stays as it is; the only index is the UNIQUE one.
CREATE TABLE zone_new (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    kind TEXT NOT NULL CHECK (kind IN ('subdistrict', 'community', 'village', 'courtyard', 'grid')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES zone (id),
    area_m2 REAL NOT NULL,
    tier TEXT,
    titles TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    geom BLOB NOT NULL,
    created_at TEXT,
    UNIQUE (county_id, kind, code)
);

INSERT INTO zone_new (
    id, county_id, kind, code, name, parent_id, area_m2, tier, titles, version, geom, created_at
)
SELECT id, county_id, kind, code, name, parent_id, area_m2, tier, titles, version, geom, created_at
FROM zone
ORDER BY id;

DROP TABLE zone;
ALTER TABLE zone_new RENAME TO zone;

-- The triggers of migration 0010, dropped with the old table.
CREATE TRIGGER zone_map_version_insert AFTER INSERT ON zone
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER zone_map_version_update AFTER UPDATE ON zone
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER zone_map_version_delete AFTER DELETE ON zone
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
