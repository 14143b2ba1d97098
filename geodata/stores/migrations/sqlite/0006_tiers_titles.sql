-- Community tiers and civilized titles (issue #5): an administrator confirms the tier the scores
-- propose for a month; titles are awarded and withdrawn on TEXTs. zone.tier / zone.titles keep
-- the current state for the maps; these tables keep the history.
CREATE TABLE tier_decision (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    zone_id INTEGER NOT NULL REFERENCES zone (id),
    month TEXT NOT NULL,
    proposed TEXT,
    tier TEXT NOT NULL CHECK (tier IN ('精品', '达标', '攻坚')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    UNIQUE (zone_id, month)
);

CREATE TABLE title_award (
    id INTEGER PRIMARY KEY,
    county_id INTEGER NOT NULL REFERENCES county (id),
    zone_id INTEGER NOT NULL REFERENCES zone (id),
    title TEXT NOT NULL CHECK (title IN ('文明社区', '文明楼院', '文明巷弄')),
    awarded_on TEXT NOT NULL,
    withdrawn_on TEXT,
    awarded_by TEXT NOT NULL,
    CHECK (withdrawn_on IS NULL OR withdrawn_on >= awarded_on)
);
CREATE INDEX title_award_zone ON title_award (county_id, zone_id);
