-- Two more kinds of zone (issue #17 part 5): 村 (village, a rural community) and 楼院 (courtyard,
-- a housing compound inside a community); as the SQLite migration of the same number, which has to
-- rebuild its table for it. The constraint keeps the name PostgreSQL gave it in 0001.
ALTER TABLE zone DROP CONSTRAINT zone_kind_check;
ALTER TABLE zone ADD CONSTRAINT zone_kind_check
    CHECK (kind IN ('subdistrict', 'community', 'village', 'courtyard', 'grid'));
