-- Inspections (issue #5): a checklist per kind of target, and evaluators' panels.
CREATE TABLE checklist_item (
    target_kind TEXT NOT NULL CHECK (target_kind IN ('segment', 'community', 'grid')),
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    max_score REAL NOT NULL CHECK (max_score > 0),
    sort INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (target_kind, code)
);
INSERT INTO checklist_item (target_kind, code, name_zh, max_score, sort) VALUES
    ('segment', 'posters', '无牛皮癣、乱张贴', 20, 1),
    ('segment', 'street_vending', '无占道经营、出店经营', 20, 2),
    ('segment', 'parking', '车辆停放有序', 20, 3),
    ('segment', 'outdoor_ads', '户外广告规范', 20, 4),
    ('segment', 'sanitation', '路面干净、无垃圾', 20, 5),
    ('community', 'posters', '楼道、墙面无牛皮癣', 20, 1),
    ('community', 'street_vending', '无占道经营', 15, 2),
    ('community', 'parking', '小区内外停车有序', 20, 3),
    ('community', 'outdoor_ads', '招牌广告规范', 15, 4),
    ('community', 'sanitation', '垃圾分类、清运及时', 30, 5),
    ('grid', 'posters', '无牛皮癣', 20, 1),
    ('grid', 'street_vending', '无占道经营', 20, 2),
    ('grid', 'parking', '停车有序', 20, 3),
    ('grid', 'outdoor_ads', '广告规范', 10, 4),
    ('grid', 'sanitation', '环境整洁', 30, 5);

-- An evaluator belongs to a panel: 督查科 patrol, 人大代表 npc, 政协委员 cppcc, 社区居委会 community.
ALTER TABLE app_user ADD COLUMN panel TEXT CHECK (panel IN ('patrol', 'npc', 'cppcc', 'community'));
