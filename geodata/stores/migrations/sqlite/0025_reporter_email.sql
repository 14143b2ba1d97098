-- The reporter's e-mail (issue #19 part 1): a resident who leaves an address and agrees is sent
-- each public step of their report by e-mail. The address is private (staff never list it, the
-- public never sees it) and is cleared when they stop the e-mails. A notification may now be for a
-- report (its reporter) as well as a unit or a person, and carries the page it is about (``link``,
-- a path of the portal) for the e-mail and robot texts. SQLite cannot change a CHECK: the table is
-- rebuilt (foreign keys are off while migrating, and checked before commit).
ALTER TABLE public_report ADD COLUMN notify_email TEXT NOT NULL DEFAULT '';
CREATE INDEX public_report_following ON public_report (incident_id) WHERE notify_email <> '';

CREATE TABLE notification_new (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    kind TEXT NOT NULL,
    incident_id INTEGER REFERENCES incident (id),
    recipient_unit_id INTEGER REFERENCES unit (id),
    recipient_user_id INTEGER REFERENCES app_user (id),
    recipient_report_id INTEGER REFERENCES public_report (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    read_by TEXT,
    link TEXT NOT NULL DEFAULT '',
    CHECK ((recipient_unit_id IS NOT NULL) + (recipient_user_id IS NOT NULL) + (recipient_report_id IS NOT NULL) = 1)
);
INSERT INTO notification_new (id, county_id, kind, incident_id, recipient_unit_id, recipient_user_id, title,
                              body, title_en, body_en, created_at, read_at, read_by)
SELECT id, county_id, kind, incident_id, recipient_unit_id, recipient_user_id, title, body, title_en, body_en,
       created_at, read_at, read_by
FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;
CREATE INDEX notification_unit_inbox ON notification (recipient_unit_id, read_at, id);
CREATE INDEX notification_user_inbox ON notification (recipient_user_id, read_at, id);
