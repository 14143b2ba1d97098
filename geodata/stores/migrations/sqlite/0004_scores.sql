-- Scores (issue #5): the weights and thresholds of the monthly cleanliness scores, one documented
-- table an administrator can change (layers/scores.py reads it).
CREATE TABLE score_setting (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL,
    description TEXT NOT NULL
);
INSERT INTO score_setting (key, value, description) VALUES
    ('segment_penalty_per_incident_km', 2.0, '路段：每公里每件问题扣分（问题数 ÷ 路段公里数 × 本值）'),
    ('zone_penalty_per_incident_ha', 1.0, '社区/网格：每公顷每件问题扣分（问题数 ÷ 面积公顷数 × 本值）'),
    ('max_penalty', 30.0, '问题扣分上限（分）'),
    ('segment_weight_per_km', 1.0, '单位得分加权：每公里路段的权重'),
    ('zone_weight_per_ha', 0.1, '单位得分加权：每公顷社区/网格的权重（默认 10 公顷相当于 1 公里路段）'),
    ('grade_a_min', 90.0, 'A 档最低分'),
    ('grade_b_min', 75.0, 'B 档最低分（低于此为 C 档）'),
    ('exposure_bottom_n', 3.0, '曝光：每月排名末位的单位数'),
    ('exposure_months', 2.0, '曝光：连续几个月为 C 档或末位');
