-- Background jobs (issue #20 part 6): an import, make-grid or coverage started from /admin/data and
-- run by a worker thread of the web process (webmap/jobs.py over geodata/jobs/). A job is claimed
-- by one conditional UPDATE (queued → running) so that two processes never run it both; its
-- heartbeat shows it is still alive, and one silent too long is marked failed. The log keeps its
-- last characters only (geodata/jobs/model.py LOG_MAX); params and result are JSON objects.
CREATE TABLE job (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    kind TEXT NOT NULL CHECK (kind IN ('import', 'make_grid', 'coverage')),
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    params TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT '',
    message_en TEXT NOT NULL DEFAULT '',
    log TEXT NOT NULL DEFAULT '',
    result TEXT,
    started_by TEXT NOT NULL,
    worker TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    heartbeat_at TEXT
);
CREATE INDEX job_county ON job (county_id, id);
CREATE INDEX job_unfinished ON job (county_id, state) WHERE state IN ('queued', 'running');
