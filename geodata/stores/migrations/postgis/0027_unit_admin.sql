-- Units in the browser (issue #20 part 2, geodata/assignments/units.py): a unit's head (负责人)
-- and duty officer (值班员) with their phones; a version that every edit bumps, so two
-- administrators editing the same unit cannot overwrite each other unseen (409, as the map
-- editor's targets); and when it was retired (撤销). A retired unit's history stays: its posts,
-- cases and scores keep pointing at it. A unit merged into another is retired by the merge's
-- change set (retired_by), which a revert of that change set undoes.
ALTER TABLE unit ADD COLUMN head text NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN head_phone text NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN duty_officer text NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN duty_phone text NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE unit ADD COLUMN retired_at timestamptz;
ALTER TABLE unit ADD COLUMN retired_by bigint REFERENCES change_set (id);
