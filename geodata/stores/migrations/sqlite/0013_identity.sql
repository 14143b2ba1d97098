-- 身份鉴别 (issue #16): server-side sessions that really end, login failures counted per account
-- name and per address (a keyed hash, never the address), and two user flags: a password set by
-- someone else must be changed at first login; a disabled user cannot sign in.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN disabled_at TEXT;

CREATE TABLE user_session (
    id TEXT PRIMARY KEY,  -- SHA-256 of the token in the cookie
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    ended_at TEXT,
    end_reason TEXT CHECK (end_reason IN ('logout', 'idle', 'expired', 'password', 'admin', 'disabled'))
);
CREATE INDEX user_session_open ON user_session (user_id) WHERE ended_at IS NULL;

-- Mutable state for the lock and the throttle, not a record: the audit log keeps the history.
CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,  -- as typed, case-folded: unknown names are counted too
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failure_username ON login_failure (username, at);
CREATE INDEX login_failure_client ON login_failure (client, at);
CREATE INDEX login_failure_at ON login_failure (at);
