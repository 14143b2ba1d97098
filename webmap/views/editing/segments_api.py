"""Splitting and merging road segments (issue #7) for leaders and administrators:
``POST /api/v1/segments/<id>/split`` and ``POST /api/v1/segments/merge`` (geodata/mapedit/segments.py)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from shapely.geometry import mapping

from geodata.errors import InvalidInput
from geodata.mapedit import segments as edits
from geodata.model import ChangeSet, Segment
from webmap.views.common import EDITORS, roles_required, store_and_county
from webmap.views.params import parse_id, parse_version, text_field
from webmap.views.requests import json_body

bp = Blueprint("segment_edits", __name__, url_prefix="/api/v1")


@bp.post("/segments/<int:segment_id>/split")
@roles_required(*EDITORS, refusal="edit.editors_only")
def split(segment_id: int):
    """``{point: [lon, lat], version?, reason}`` → 201 with the change set, the two pieces (the
    original id first) and how many incidents moved to the new piece."""
    author = current_user.username
    body = json_body()
    store, county = store_and_county()
    point = body.get("point")
    if isinstance(point, dict) and point.get("type") == "Point":
        point = point.get("coordinates")
    done = edits.split_segment(
        store, county, segment_id, point if isinstance(point, list) else [], author,
        text_field(body, "reason"), parse_version(body.get("version"), "version"),
    )  # fmt: skip
    return jsonify(
        change_set=_change_set(done.change_set),
        segments=[_segment(done.kept), _segment(done.new)],
        moved_incidents=done.moved_incidents,
        map_version=store.map_version(),
        copied_assignments=done.copied_assignments,
    ), 201


@bp.post("/segments/merge")
@roles_required(*EDITORS, refusal="edit.editors_only")
def merge():
    """``{ids: [a, b, ...], versions?: {"a": n} or [{id, version}], reason}`` → 201 with the change
    set, the segment kept (the lowest id) and the ids merged into it."""
    author = current_user.username
    body = json_body()
    store, county = store_and_county()
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InvalidInput(
            "ids 应为路段编号列表，如 [12, 13]",
            en="ids must be a list of road segment ids, e.g. [12, 13]",
            field="ids",
        )
    done = edits.merge_segments(
        store, county, ids, author, text_field(body, "reason"), _versions(body.get("versions"))
    )
    return jsonify(
        change_set=_change_set(done.change_set),
        segment=_segment(done.segment),
        removed=done.removed,
        moved_incidents=done.moved_incidents,
        moved_inspections=done.moved_inspections,
        map_version=store.map_version(),
    ), 201


def _versions(raw) -> dict[int, int]:
    """Segment id → version seen, from ``{"12": 3}`` or ``[{"id": 12, "version": 3}, ...]``."""
    if raw is None:
        return {}
    if isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(t, dict) for t in raw):
        pairs = [(t.get("id"), t.get("version")) for t in raw]
    else:
        raise InvalidInput(
            'versions 应为 {"路段编号": 版本} 或 [{id, version}]',
            en='versions must be {"segment id": version} or [{id, version}]',
            field="versions",
        )
    out = {}
    for key, version in pairs:
        try:
            segment_id = parse_id(key, "versions")
        except InvalidInput:
            raise InvalidInput(
                f"versions 中的路段编号 {key!r} 不是整数",
                en=f"The road segment id {key!r} in versions is not an integer",
                field="versions",
            ) from None
        out[segment_id] = parse_version(version, f"versions[{segment_id}]", "versions")
    return {k: v for k, v in out.items() if v is not None}


def _change_set(cs: ChangeSet) -> dict:
    return {
        "id": cs.id, "author": cs.author, "reason": cs.reason, "created_at": cs.created_at.isoformat(),
        "reverts": cs.reverts, "geometry": cs.geom and mapping(cs.geom),
    }  # fmt: skip


def _segment(s: Segment) -> dict:
    return {
        "id": s.id, "name": s.name, "highway": s.highway, "length_m": round(s.length_m, 2),
        "version": s.version, "geometry": mapping(s.geom),
    }  # fmt: skip
