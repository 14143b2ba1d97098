-- The leaders' map at a million incidents (DESIGN §7). Each incident's cell on the Web-Mercator
-- grid of level 24 (2^24 cells a side, ~2 m at the county's latitude; x from the west, y from the
-- north as tile rows run): a tile at zoom z holds the cells x >> (24 - z) = its x, and a cluster at
-- zoom z is a cell of level z + 3 (1/8 of a tile). Integer cells nest exactly across zooms.
ALTER TABLE incident
    ADD COLUMN cell_x integer GENERATED ALWAYS AS
        (floor((ST_X(geom) + 180.0) / 360.0 * 16777216)::integer) STORED,
    ADD COLUMN cell_y integer GENERATED ALWAYS AS
        (floor((1.0 - asinh(tan(radians(ST_Y(geom)))) / pi()) / 2.0 * 16777216)::integer) STORED;

-- Incidents counted per cell of levels 15–19 (the clusters of zooms 12–16), month in the county's
-- clock, category, status and leading unit (0: none), with their summed positions for the mean.
-- Repeats (duplicate_of set) are not counted. Kept by the triggers below on every write, so a
-- low-zoom tile or a county-wide heatmap reads thousands of these rows, not a million incidents.
CREATE TABLE incident_bin (
    county_id bigint NOT NULL,
    level smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    month text NOT NULL,
    category text NOT NULL,
    status text NOT NULL,
    unit_id bigint NOT NULL,
    n integer NOT NULL,
    sum_lon double precision NOT NULL,
    sum_lat double precision NOT NULL,
    -- The counts ride in the index: a tile's bins are read by an index-only scan.
    PRIMARY KEY (county_id, level, cx, cy, month, category, status, unit_id) INCLUDE (n, sum_lon, sum_lat)
);

-- The same summed over category, status and unit: what an unfiltered map (the usual one) reads, a
-- few hundred rows for the whole county at its lowest zoom.
CREATE TABLE incident_bin_month (
    county_id bigint NOT NULL,
    level smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    month text NOT NULL,
    n integer NOT NULL,
    sum_lon double precision NOT NULL,
    sum_lat double precision NOT NULL,
    PRIMARY KEY (county_id, level, cx, cy, month) INCLUDE (n, sum_lon, sum_lat)
);

-- Every write to incident moves its counts (in both tables): rows arriving add, rows leaving subtract (an update is
-- both; unchanged rows cancel out), and a count that reaches 0 is removed. Statement-level, over the
-- transition tables, so a bulk COPY is one grouped upsert.
CREATE FUNCTION incident_bin_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    moved text[] := '{}';
    delta text;
    cells CONSTANT text := $q$
        SELECT t.county_id, l.level, t.cell_x >> (24 - l.level) AS cx, t.cell_y >> (24 - l.level) AS cy,
               to_char(t.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, t.category,
               t.status, COALESCE(t.unit_id, 0) AS unit_id, t.sign, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
        FROM (%s) AS t CROSS JOIN (VALUES (15), (16), (17), (18), (19)) AS l (level)
    $q$;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        moved := moved || 'SELECT *, 1 AS sign FROM new_rows WHERE duplicate_of IS NULL'::text;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        moved := moved || 'SELECT *, -1 AS sign FROM old_rows WHERE duplicate_of IS NULL'::text;
    END IF;
    delta := format(cells, array_to_string(moved, ' UNION ALL '));
    EXECUTE format($q$
        INSERT INTO incident_bin AS b
        SELECT county_id, level, cx, cy, month, category, status, unit_id,
               SUM(sign), SUM(sign * lon), SUM(sign * lat)
        FROM (%s) AS d
        GROUP BY county_id, level, cx, cy, month, category, status, unit_id
        HAVING SUM(sign) <> 0
        ON CONFLICT (county_id, level, cx, cy, month, category, status, unit_id) DO UPDATE
        SET n = b.n + excluded.n, sum_lon = b.sum_lon + excluded.sum_lon, sum_lat = b.sum_lat + excluded.sum_lat
    $q$, delta);
    EXECUTE format($q$
        INSERT INTO incident_bin_month AS b
        SELECT county_id, level, cx, cy, month, SUM(sign), SUM(sign * lon), SUM(sign * lat)
        FROM (%s) AS d
        GROUP BY county_id, level, cx, cy, month
        HAVING SUM(sign) <> 0
        ON CONFLICT (county_id, level, cx, cy, month) DO UPDATE
        SET n = b.n + excluded.n, sum_lon = b.sum_lon + excluded.sum_lon, sum_lat = b.sum_lat + excluded.sum_lat
    $q$, delta);
    IF TG_OP <> 'INSERT' THEN
        EXECUTE format($q$
            DELETE FROM incident_bin AS b
            USING (SELECT DISTINCT county_id, level, cx, cy, month, category, status, unit_id FROM (%s) AS d) AS k
            WHERE b.n = 0 AND (b.county_id, b.level, b.cx, b.cy, b.month, b.category, b.status, b.unit_id)
                = (k.county_id, k.level, k.cx, k.cy, k.month, k.category, k.status, k.unit_id)
        $q$, format(cells, 'SELECT *, -1 AS sign FROM old_rows WHERE duplicate_of IS NULL'));
        EXECUTE format($q$
            DELETE FROM incident_bin_month AS b
            USING (SELECT DISTINCT county_id, level, cx, cy, month FROM (%s) AS d) AS k
            WHERE b.n = 0 AND (b.county_id, b.level, b.cx, b.cy, b.month)
                = (k.county_id, k.level, k.cx, k.cy, k.month)
        $q$, format(cells, 'SELECT *, -1 AS sign FROM old_rows WHERE duplicate_of IS NULL'));
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER incident_bin_insert AFTER INSERT ON incident
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_bin_keep();
CREATE TRIGGER incident_bin_update AFTER UPDATE ON incident
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_bin_keep();
CREATE TRIGGER incident_bin_delete AFTER DELETE ON incident
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_bin_keep();

-- The incidents already stored.
INSERT INTO incident_bin
SELECT t.county_id, l.level, t.cell_x >> (24 - l.level), t.cell_y >> (24 - l.level),
       to_char(t.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), t.category, t.status,
       COALESCE(t.unit_id, 0), COUNT(*), SUM(ST_X(t.geom)), SUM(ST_Y(t.geom))
FROM incident AS t CROSS JOIN (VALUES (15), (16), (17), (18), (19)) AS l (level)
WHERE t.duplicate_of IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO incident_bin_month
SELECT county_id, level, cx, cy, month, SUM(n), SUM(sum_lon), SUM(sum_lat)
FROM incident_bin
GROUP BY 1, 2, 3, 4, 5;
