-- Score settings and checklists, effective-dated (issue #20 part 4, geodata/scores/settings.py and
-- checklists.py): a change takes effect from a month on, and every month is scored with what was in
-- force then. The values of score_setting (0004, 0023) and the items of checklist_item (0005) stay
-- where they are as what was in force from the start; these tables hold every change since, only
-- ever added to. A month's value of a key is that of the change with the latest effective month
-- not after it (the later-made of two for the same month), else score_setting's.
--
-- ``follows`` is the change (or version of the kind) its author saw as the latest: two made from the
-- same state cannot both be kept (UNIQUE), so the second is refused rather than silently mixed in.
CREATE TABLE score_setting_change (
    id INTEGER PRIMARY KEY,
    effective_month TEXT NOT NULL CHECK (effective_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    rescore INTEGER NOT NULL DEFAULT 0 CHECK (rescore IN (0, 1)),  -- made for a month already past
    follows INTEGER NOT NULL UNIQUE
);
CREATE TABLE score_setting_version (
    change_id INTEGER NOT NULL REFERENCES score_setting_change (id),
    key TEXT NOT NULL REFERENCES score_setting (key),
    value REAL NOT NULL,
    PRIMARY KEY (change_id, key)
);
CREATE INDEX score_setting_version_key ON score_setting_version (key, change_id);

CREATE TABLE checklist_version (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('segment', 'community', 'grid')),
    effective_month TEXT NOT NULL CHECK (effective_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    follows INTEGER NOT NULL,
    UNIQUE (target_kind, follows)
);
CREATE INDEX checklist_version_month ON checklist_version (target_kind, effective_month, id);
CREATE TABLE checklist_version_item (
    version_id INTEGER NOT NULL REFERENCES checklist_version (id),
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    max_score REAL NOT NULL CHECK (max_score > 0),
    sort INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, code)
);

-- History only grows (DESIGN §11): the changes are never updated or deleted, nor are the values
-- in force from the start rewritten (a change from a month on is made instead).
CREATE TRIGGER score_setting_change_no_update BEFORE UPDATE ON score_setting_change
BEGIN
    SELECT RAISE(ABORT, 'score_setting_change is append-only: UPDATE refused');
END;
CREATE TRIGGER score_setting_change_no_delete BEFORE DELETE ON score_setting_change
BEGIN
    SELECT RAISE(ABORT, 'score_setting_change is append-only: DELETE refused');
END;
CREATE TRIGGER score_setting_version_no_update BEFORE UPDATE ON score_setting_version
BEGIN
    SELECT RAISE(ABORT, 'score_setting_version is append-only: UPDATE refused');
END;
CREATE TRIGGER score_setting_version_no_delete BEFORE DELETE ON score_setting_version
BEGIN
    SELECT RAISE(ABORT, 'score_setting_version is append-only: DELETE refused');
END;
CREATE TRIGGER checklist_version_no_update BEFORE UPDATE ON checklist_version
BEGIN
    SELECT RAISE(ABORT, 'checklist_version is append-only: UPDATE refused');
END;
CREATE TRIGGER checklist_version_no_delete BEFORE DELETE ON checklist_version
BEGIN
    SELECT RAISE(ABORT, 'checklist_version is append-only: DELETE refused');
END;
CREATE TRIGGER checklist_version_item_no_update BEFORE UPDATE ON checklist_version_item
BEGIN
    SELECT RAISE(ABORT, 'checklist_version_item is append-only: UPDATE refused');
END;
CREATE TRIGGER checklist_version_item_no_delete BEFORE DELETE ON checklist_version_item
BEGIN
    SELECT RAISE(ABORT, 'checklist_version_item is append-only: DELETE refused');
END;
CREATE TRIGGER IF NOT EXISTS score_setting_from_start BEFORE UPDATE OF value ON score_setting
BEGIN
    SELECT RAISE(ABORT, 'score_setting is append-only: UPDATE refused (its values are those from the start: add a score_setting_change)');
END;
CREATE TRIGGER IF NOT EXISTS checklist_item_from_start BEFORE UPDATE ON checklist_item
BEGIN
    SELECT RAISE(ABORT, 'checklist_item is append-only: UPDATE refused (the checklist from the start: add a checklist_version)');
END;
