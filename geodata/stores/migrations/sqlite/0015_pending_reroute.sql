-- Lock discipline (DESIGN §11, issue #16): a change that posts or reverts into the past routes the
-- incidents since then again after it commits, in short batches, instead of holding the write lock
-- for all of them. The change writes what it owes here in its own transaction and the reroute
-- removes the row when it is done, so a crash in between leaves the debt for
-- `flask reroute --pending` instead of losing it. A queue, not a record: the audit log keeps history.
CREATE TABLE pending_reroute (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    since TEXT NOT NULL,
    change_set_id INTEGER REFERENCES change_set (id)
);
