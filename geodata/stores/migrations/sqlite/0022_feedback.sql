-- The reporter's loop (issue #19 part 5): a resident holding a closed case's tracking link answers
-- once, within 7 days of its closing, whether it was really fixed (geodata/cases/feedback.py).
-- One answer per case; 'unsolved' reopens the case as rework. 满意率 on /scores counts them.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    incident_id INTEGER NOT NULL UNIQUE REFERENCES incident (id),
    public_report_id INTEGER NOT NULL REFERENCES public_report (id),
    answer TEXT NOT NULL CHECK (answer IN ('solved', 'unsolved')),
    at TEXT NOT NULL
);
CREATE INDEX feedback_at ON feedback (county_id, at);

-- An answer is history (DESIGN §11, STYLE 12d): never updated or deleted.
CREATE TRIGGER feedback_no_update BEFORE UPDATE ON feedback
BEGIN
    SELECT RAISE(ABORT, 'feedback is append-only: UPDATE refused');
END;
CREATE TRIGGER feedback_no_delete BEFORE DELETE ON feedback
BEGIN
    SELECT RAISE(ABORT, 'feedback is append-only: DELETE refused');
END;
