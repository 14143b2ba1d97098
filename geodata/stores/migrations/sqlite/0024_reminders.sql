-- Reminders the notify worker's sweep sent (geodata/cases/reminders.py): a case's "4 working hours
-- left" and "overdue" once per deadline it had, a unit's daily digest once a day. The key makes a
-- second sweep (or a second worker) send nothing twice.
CREATE TABLE reminder (
    county_id INTEGER NOT NULL REFERENCES county (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
