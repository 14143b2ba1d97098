-- When a zone came into being (a grid cell made by make-grid): an inspection dated before it is
-- refused. NULL for zones that were there from the start (imported, demo).
ALTER TABLE zone ADD COLUMN created_at TEXT;
