-- Notifications (issue #19 part 1): an inbox row per recipient, written in the transaction of the
-- event that causes it, and an outbox of deliveries (e-mail, 企业微信 and 钉钉 group robots) that
-- a worker claims, sends one at a time and retries (geodata/notify/). 0019 is the holiday calendar.
ALTER TABLE unit ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN wecom_url TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN dingtalk_url TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN dingtalk_secret TEXT NOT NULL DEFAULT '';

-- A unit's row is shared by its staff (a duty desk: one reading it reads it for all); a person's
-- row is theirs alone. Title and body are kept in both languages as they were when it was sent.
CREATE TABLE notification (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    kind TEXT NOT NULL,
    incident_id INTEGER REFERENCES incident (id),
    recipient_unit_id INTEGER REFERENCES unit (id),
    recipient_user_id INTEGER REFERENCES app_user (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    read_by TEXT,
    CHECK ((recipient_unit_id IS NULL) <> (recipient_user_id IS NULL))
);
CREATE INDEX notification_unit_inbox ON notification (recipient_unit_id, read_at, id);
CREATE INDEX notification_user_inbox ON notification (recipient_user_id, read_at, id);

CREATE TABLE delivery (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    notification_id INTEGER NOT NULL REFERENCES notification (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'wecom', 'dingtalk')),
    target TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    tries INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT
);
CREATE INDEX delivery_due ON delivery (state, next_at);
CREATE INDEX delivery_notification ON delivery (notification_id);
