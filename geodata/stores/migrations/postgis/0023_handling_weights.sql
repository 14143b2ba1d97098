-- Handling metrics in the scores (issue #19 part 4, layers/scores.py): a unit's monthly total is
-- the weighted sum of what evaluators saw and how it handled its cases (geodata/scores/handling.py).
INSERT INTO score_setting (key, value, description) VALUES
    ('weight_evaluation', 0.6, '单位总分：考评得分的权重（总分 = 考评权重 × 考评得分 + 办件权重 × 办件得分）'),
    ('weight_handling', 0.4, '单位总分：办件得分的权重（本月无应结案件的单位，总分即考评得分）');
-- The month's counts find a unit's cases by the deadline in force, and a case's first 处置 (or last
-- dispatch) by its case, step and time.
CREATE INDEX incident_deadline ON incident (county_id, deadline_at);
CREATE INDEX incident_event_step ON incident_event (incident_id, to_status, at);
