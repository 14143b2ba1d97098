-- The map's version (DESIGN §7): a number that grows with every statement writing zones, segments
-- or assignments. A roads or zones tile kept in memory (layers/tile_cache.py) is served again only
-- while the number is the one it was made at, so an edit shows on the next tile asked for.
CREATE TABLE map_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO map_version VALUES (1, 0);

-- BEFORE each statement: the map's row is locked before any row the statement writes, so two
-- map edits queue on it in one order and never deadlock; the new number is seen when the edit
-- commits, together with what it wrote.
CREATE FUNCTION bump_map_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE map_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER zone_map_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON zone
    FOR EACH STATEMENT EXECUTE FUNCTION bump_map_version();
CREATE TRIGGER segment_map_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON segment
    FOR EACH STATEMENT EXECUTE FUNCTION bump_map_version();
CREATE TRIGGER assignment_map_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignment
    FOR EACH STATEMENT EXECUTE FUNCTION bump_map_version();
