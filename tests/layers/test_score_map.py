"""The 考核得分 layer: the month's scored targets of a viewport with grade colours, on both backends."""

from __future__ import annotations

from layers import score_map


def test_the_score_layer_colours_the_months_targets_by_grade(store, scored_county):
    bbox = scored_county.extent.bounds
    layer = score_map.features(store, scored_county, bbox, 15, month="2026-09")
    by_name = {f["properties"]["name"]: f["properties"] for f in layer["features"]}
    assert layer["month"] == "2026-09" and set(by_name) == {"红荔路", "社区"}
    assert (by_name["红荔路"]["score"], by_name["红荔路"]["grade"]) == (81.0, "B")
    assert (by_name["社区"]["grade"], by_name["社区"]["colour"]) == ("A", score_map.GRADE_COLOURS["A"])
    assert score_map.features(store, scored_county, bbox, 15, month="2026-07")["features"] == []
    labels = [c["label"] for c in score_map.classes(store)]
    assert labels == ["≥ 90 分", "75–90 分", "< 75 分"]
