-- The leaders' map at a million incidents (DESIGN §7); as the PostGIS migration of the same number.
-- Each incident's cell on the Web-Mercator grid of level 24 (x from the west, y from the north).
ALTER TABLE incident ADD COLUMN cell_x INTEGER GENERATED ALWAYS AS
    (CAST(floor((lon + 180.0) / 360.0 * 16777216) AS INTEGER)) VIRTUAL;
ALTER TABLE incident ADD COLUMN cell_y INTEGER GENERATED ALWAYS AS
    (CAST(floor((1.0 - asinh(tan(radians(lat))) / pi()) / 2.0 * 16777216) AS INTEGER)) VIRTUAL;

-- Incidents counted per cell of levels 15–19, county-clock month, category, status and leading unit
-- (0: none), with summed positions; repeats not counted. Kept by the triggers below.
CREATE TABLE incident_bin (
    county_id INTEGER NOT NULL,
    level INTEGER NOT NULL,
    cx INTEGER NOT NULL,
    cy INTEGER NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    sum_lon REAL NOT NULL,
    sum_lat REAL NOT NULL,
    PRIMARY KEY (county_id, level, cx, cy, month, category, status, unit_id)
) WITHOUT ROWID;

-- The same summed over category, status and unit: what an unfiltered map (the usual one) reads.
-- Kept from incident_bin's own changes by the triggers that follow.
CREATE TABLE incident_bin_month (
    county_id INTEGER NOT NULL,
    level INTEGER NOT NULL,
    cx INTEGER NOT NULL,
    cy INTEGER NOT NULL,
    month TEXT NOT NULL,
    n INTEGER NOT NULL,
    sum_lon REAL NOT NULL,
    sum_lat REAL NOT NULL,
    PRIMARY KEY (county_id, level, cx, cy, month)
) WITHOUT ROWID;

CREATE TRIGGER incident_bin_month_insert AFTER INSERT ON incident_bin
BEGIN
    INSERT INTO incident_bin_month
    VALUES (NEW.county_id, NEW.level, NEW.cx, NEW.cy, NEW.month, NEW.n, NEW.sum_lon, NEW.sum_lat)
    ON CONFLICT (county_id, level, cx, cy, month) DO UPDATE
    SET n = n + excluded.n, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER incident_bin_month_update AFTER UPDATE ON incident_bin
BEGIN
    UPDATE incident_bin_month
    SET n = n + NEW.n - OLD.n, sum_lon = sum_lon + NEW.sum_lon - OLD.sum_lon,
        sum_lat = sum_lat + NEW.sum_lat - OLD.sum_lat
    WHERE county_id = NEW.county_id AND level = NEW.level AND cx = NEW.cx AND cy = NEW.cy
      AND month = NEW.month;
END;

CREATE TRIGGER incident_bin_month_delete AFTER DELETE ON incident_bin
BEGIN
    UPDATE incident_bin_month
    SET n = n - OLD.n, sum_lon = sum_lon - OLD.sum_lon, sum_lat = sum_lat - OLD.sum_lat
    WHERE county_id = OLD.county_id AND level = OLD.level AND cx = OLD.cx AND cy = OLD.cy
      AND month = OLD.month;
    DELETE FROM incident_bin_month
    WHERE county_id = OLD.county_id AND level = OLD.level AND cx = OLD.cx AND cy = OLD.cy
      AND month = OLD.month AND n = 0;
END;

-- The levels counted (the clusters of zooms 12–16).
CREATE TABLE incident_bin_level (level INTEGER PRIMARY KEY);
INSERT INTO incident_bin_level VALUES (15), (16), (17), (18), (19);

-- Every write moves the counts: an incident arriving adds, one leaving subtracts (a count reaching 0
-- is removed), an update that changes what is counted is both.
CREATE TRIGGER incident_bin_insert AFTER INSERT ON incident
BEGIN
    INSERT INTO incident_bin
    SELECT NEW.county_id, l.level, NEW.cell_x >> (24 - l.level), NEW.cell_y >> (24 - l.level),
           strftime('%Y-%m', NEW.reported_at, '+8 hours'), NEW.category, NEW.status, COALESCE(NEW.unit_id, 0),
           1, NEW.lon, NEW.lat
    FROM incident_bin_level AS l
    WHERE NEW.duplicate_of IS NULL
    ON CONFLICT (county_id, level, cx, cy, month, category, status, unit_id) DO UPDATE
    SET n = n + 1, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER incident_bin_delete AFTER DELETE ON incident
BEGIN
    UPDATE incident_bin SET n = n - 1, sum_lon = sum_lon - OLD.lon, sum_lat = sum_lat - OLD.lat
    WHERE OLD.duplicate_of IS NULL
      AND (county_id, level, cx, cy, month, category, status, unit_id) IN (
    SELECT OLD.county_id, l.level, OLD.cell_x >> (24 - l.level), OLD.cell_y >> (24 - l.level),
           strftime('%Y-%m', OLD.reported_at, '+8 hours'), OLD.category, OLD.status, COALESCE(OLD.unit_id, 0)
    FROM incident_bin_level AS l);
    DELETE FROM incident_bin
    WHERE n = 0 AND (county_id, level, cx, cy, month, category, status, unit_id) IN (
    SELECT OLD.county_id, l.level, OLD.cell_x >> (24 - l.level), OLD.cell_y >> (24 - l.level),
           strftime('%Y-%m', OLD.reported_at, '+8 hours'), OLD.category, OLD.status, COALESCE(OLD.unit_id, 0)
    FROM incident_bin_level AS l);
END;

CREATE TRIGGER incident_bin_update AFTER UPDATE OF category, status, unit_id, duplicate_of, reported_at, lon, lat
ON incident
WHEN NEW.category IS NOT OLD.category OR NEW.status IS NOT OLD.status OR NEW.unit_id IS NOT OLD.unit_id
  OR NEW.duplicate_of IS NOT OLD.duplicate_of OR NEW.reported_at IS NOT OLD.reported_at
  OR NEW.lon IS NOT OLD.lon OR NEW.lat IS NOT OLD.lat
BEGIN
    UPDATE incident_bin SET n = n - 1, sum_lon = sum_lon - OLD.lon, sum_lat = sum_lat - OLD.lat
    WHERE OLD.duplicate_of IS NULL
      AND (county_id, level, cx, cy, month, category, status, unit_id) IN (
    SELECT OLD.county_id, l.level, OLD.cell_x >> (24 - l.level), OLD.cell_y >> (24 - l.level),
           strftime('%Y-%m', OLD.reported_at, '+8 hours'), OLD.category, OLD.status, COALESCE(OLD.unit_id, 0)
    FROM incident_bin_level AS l);
    DELETE FROM incident_bin
    WHERE n = 0 AND (county_id, level, cx, cy, month, category, status, unit_id) IN (
    SELECT OLD.county_id, l.level, OLD.cell_x >> (24 - l.level), OLD.cell_y >> (24 - l.level),
           strftime('%Y-%m', OLD.reported_at, '+8 hours'), OLD.category, OLD.status, COALESCE(OLD.unit_id, 0)
    FROM incident_bin_level AS l);
    INSERT INTO incident_bin
    SELECT NEW.county_id, l.level, NEW.cell_x >> (24 - l.level), NEW.cell_y >> (24 - l.level),
           strftime('%Y-%m', NEW.reported_at, '+8 hours'), NEW.category, NEW.status, COALESCE(NEW.unit_id, 0),
           1, NEW.lon, NEW.lat
    FROM incident_bin_level AS l
    WHERE NEW.duplicate_of IS NULL
    ON CONFLICT (county_id, level, cx, cy, month, category, status, unit_id) DO UPDATE
    SET n = n + 1, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

-- The incidents already stored.
INSERT INTO incident_bin
SELECT t.county_id, l.level, t.cell_x >> (24 - l.level), t.cell_y >> (24 - l.level),
       strftime('%Y-%m', t.reported_at, '+8 hours'), t.category, t.status, COALESCE(t.unit_id, 0),
       COUNT(*), SUM(t.lon), SUM(t.lat)
FROM incident AS t CROSS JOIN incident_bin_level AS l
WHERE t.duplicate_of IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
