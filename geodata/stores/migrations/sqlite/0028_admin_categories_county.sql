-- Administration in the browser (issue #20, parts 3 and 5). A category gets its national 数字城管
-- code and class (部件 component / 事件 event), a retirement (a retired category is offered for no
-- new case, its old cases keep it) and a version (two administrators editing it: the second is
-- told, 409). A category is never deleted: the cases filed under it are history.
ALTER TABLE category ADD COLUMN cc_code TEXT NOT NULL DEFAULT '';
ALTER TABLE category ADD COLUMN cc_class TEXT NOT NULL DEFAULT ''
    CHECK (cc_class IN ('', 'component', 'event'));
ALTER TABLE category ADD COLUMN retired_at TEXT;
ALTER TABLE category ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER category_no_delete BEFORE DELETE ON category
BEGIN
    SELECT RAISE(ABORT, 'category rows are never deleted: retire the category instead');
END;

-- A county's own settings (geodata/county_settings.py): its public hotline, the public map page's
-- title and introduction in each language, and the basemap its maps open on. Empty text: the
-- portal's standard one. No row: all standard.
CREATE TABLE county_setting (
    county_id INTEGER PRIMARY KEY REFERENCES county (id),
    hotline TEXT NOT NULL DEFAULT '',
    public_title_zh TEXT NOT NULL DEFAULT '',
    public_title_en TEXT NOT NULL DEFAULT '',
    public_intro_zh TEXT NOT NULL DEFAULT '',
    public_intro_en TEXT NOT NULL DEFAULT '',
    basemap TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT,
    updated_by TEXT NOT NULL DEFAULT ''
);
