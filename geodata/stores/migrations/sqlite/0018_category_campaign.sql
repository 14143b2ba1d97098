-- The campaign a category belongs to (issue #18): the five rectifications (五项整治) are read from
-- the category table, the only list of categories, instead of being listed again in code.
ALTER TABLE category ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
UPDATE category SET campaign = 'five_rectifications'
    WHERE code IN ('posters', 'street_vending', 'parking', 'outdoor_ads', 'sanitation');
