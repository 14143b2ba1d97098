-- When an API key last authenticated a request (issue #20: the administration's list of keys shows
-- it), written at most once a minute per key (geodata/accounts/apikeys.py mark_used); and the index
-- the users' list reads each one's last sign-in through.
ALTER TABLE api_key ADD COLUMN last_used_at timestamptz;
CREATE INDEX user_session_user ON user_session (user_id, created_at);
