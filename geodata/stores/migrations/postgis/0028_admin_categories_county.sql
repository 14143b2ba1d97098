-- Administration in the browser (issue #20, parts 3 and 5). A category gets its national 数字城管
-- code and class (部件 component / 事件 event), a retirement (a retired category is offered for no
-- new case, its old cases keep it) and a version (two administrators editing it: the second is
-- told, 409). A category is never deleted: the cases filed under it are history.
ALTER TABLE category ADD COLUMN cc_code text NOT NULL DEFAULT '';
ALTER TABLE category ADD COLUMN cc_class text NOT NULL DEFAULT ''
    CHECK (cc_class IN ('', 'component', 'event'));
ALTER TABLE category ADD COLUMN retired_at timestamptz;
ALTER TABLE category ADD COLUMN version integer NOT NULL DEFAULT 1;
CREATE TRIGGER category_no_delete BEFORE DELETE ON category
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER category_no_truncate BEFORE TRUNCATE ON category
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- A county's own settings (geodata/county_settings.py): its public hotline, the public map page's
-- title and introduction in each language, and the basemap its maps open on. Empty text: the
-- portal's standard one. No row: all standard.
CREATE TABLE county_setting (
    county_id bigint PRIMARY KEY REFERENCES county (id),
    hotline text NOT NULL DEFAULT '',
    public_title_zh text NOT NULL DEFAULT '',
    public_title_en text NOT NULL DEFAULT '',
    public_intro_zh text NOT NULL DEFAULT '',
    public_intro_en text NOT NULL DEFAULT '',
    basemap text NOT NULL DEFAULT '',
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz,
    updated_by text NOT NULL DEFAULT ''
);
