-- Working-day deadlines (issue #19, part 3): a county's calendar of the days that differ from the
-- week's rule (a holiday, or a 调休 make-up workday on a weekend), and whether a category's
-- deadline_hours are office hours of working days or the clock's. Every existing category keeps
-- the clock's hours, so no deadline already given changes; the national calendar is loaded into a
-- county when it is created or by `flask --app app holidays load` (geodata/cases/holidays.py).
CREATE TABLE holiday (
    county_id bigint NOT NULL REFERENCES county (id),
    day date NOT NULL,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name text NOT NULL DEFAULT '',
    PRIMARY KEY (county_id, day)
);
ALTER TABLE category ADD COLUMN deadline_kind text NOT NULL DEFAULT 'calendar'
    CHECK (deadline_kind IN ('working', 'calendar'));
