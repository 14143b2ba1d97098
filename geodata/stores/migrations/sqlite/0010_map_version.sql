-- The map's version (DESIGN §7): a number that grows with every write to zones, segments or
-- assignments. A roads or zones tile kept in memory (layers/tile_cache.py) is served again only
-- while the number is the one it was made at, so an edit shows on the next tile asked for. SQLite
-- has one writer at a time: the number and the rows change in the same transaction.
CREATE TABLE map_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO map_version VALUES (1, 0);

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
CREATE TRIGGER segment_map_version_insert AFTER INSERT ON segment
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER segment_map_version_update AFTER UPDATE ON segment
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER segment_map_version_delete AFTER DELETE ON segment
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER assignment_map_version_insert AFTER INSERT ON assignment
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER assignment_map_version_update AFTER UPDATE ON assignment
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER assignment_map_version_delete AFTER DELETE ON assignment
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
END;
