"""Monthly scores (issue #5): the JSON API (/api/v1/scores) and the 争先创优 page (/scores), both
the units' ranking with grades, and the units to be named (曝光名单)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.errors import InvalidInput
from geodata.model import COMMUNITY_KINDS, TIERS, TITLES
from geodata.scores import titles
from geodata.scores.handling import percent
from layers.satisfaction import NONE as NO_ANSWERS
from layers.satisfaction import month_satisfaction
from layers.score_map import default_month
from layers.scores import checked_month as check_month
from layers.scores import exposure_list, month_scores, previous_month, score_settings
from layers.tiers import propose_tiers
from webmap.i18n import current_lang, message_of, t
from webmap.views.common import store_and_county

bp = Blueprint("scores", __name__, url_prefix="/api/v1")
pages = Blueprint("score_pages", __name__)

# The settings in the order a reader follows the computation: penalties, weights, grades, exposure.
RULES = ("segment_penalty_per_incident_km", "zone_penalty_per_incident_ha", "max_penalty",
         "segment_weight_per_km", "zone_weight_per_ha", "weight_evaluation", "weight_handling",
         "grade_a_min", "grade_b_min", "exposure_bottom_n", "exposure_months")  # fmt: skip


@bp.get("/scores")
@login_required
def scores():
    store, county = store_and_county()
    month = checked_month(request.args.get("month"))
    result = month_scores(store, county, month)
    answers = month_satisfaction(store, county, month)
    return jsonify(
        month=month,
        weights=_weights(store, month),
        units=[
            {"code": u.code, "name": u.name, "score": u.score, "grade": u.grade, "rank": u.rank,
             "previous": u.previous, "change": u.change, "targets": u.targets,
             "evaluation": u.evaluation, "handling_part": u.handling_part, "handling": _handling_json(u.handling),
             "satisfaction": _satisfaction_json(answers.get(u.unit_id, NO_ANSWERS))}
            for u in result.units
        ],
        targets=[
            {"kind": t.kind, "id": t.id, "name": t.name, "score": t.score, "inspections": t.inspections,
             "mean": round(t.mean, 2), "incidents": t.incidents, "penalty": round(t.penalty, 2)}
            for t in sorted(result.targets.values(), key=lambda t: (t.score, t.kind, t.id))
        ],
        exposure=[
            {"code": e.unit.code, "name": e.unit.name, "score": e.unit.score, "grade": e.unit.grade,
             "evaluation": e.unit.evaluation, "handling_part": e.unit.handling_part,
             "months": [{"month": m, "score": s, "grade": g} for m, s, g in e.months],
             "worst": [{"kind": t.kind, "id": t.id, "name": t.name, "score": t.score, "incidents": t.incidents}
                       for t in e.worst]}
            for e in exposure_list(store, county, month)
        ],
    )  # fmt: skip


@pages.get("/scores")
@login_required
def ranking():
    store, county = store_and_county()
    month = request.args.get("month") or default_month()
    context = dict(county=county, month=month, months=_choices(month))
    try:
        checked_month(month)
    except InvalidInput as exc:  # a hand-edited or future month: say so above the selector
        context.update(rules=_rules(store, None), weights=_weights(store, None))  # this month's
        return render_template(
            "scores/index.html", error=message_of(exc), scores=None, exposure=[], **context
        ), 400
    context.update(rules=_rules(store, month), weights=_weights(store, month))  # the month's own
    result = month_scores(store, county, month)
    ranks = [u.rank for u in result.units if u.rank is not None]
    tied = {r for r in ranks if ranks.count(r) > 1}
    exposure = exposure_list(store, county, month)
    nearest = (
        None if any(u.score is not None for u in result.units) else _nearest_scored(store, county, month)
    )
    satisfaction = month_satisfaction(store, county, month)
    return render_template(
        "scores/index.html", scores=result, tied=tied, exposure=exposure, nearest=nearest,
        satisfaction=satisfaction, no_answers=NO_ANSWERS, **context,
    )  # fmt: skip


def _weights(store, month: str | None) -> dict[str, float]:
    """The weights of the two parts of a unit's total in force in ``month`` (None: this month)."""
    settings = score_settings(store, month)
    return {"evaluation": settings["weight_evaluation"], "handling": settings["weight_handling"]}


def _handling_json(m) -> dict:
    """A unit's handling of the month: the counts, the rates in percent (None: no denominator) and
    the mean hours from dispatch to first 处置 (None: nothing handled)."""
    c = m.counts
    return {
        "due": c.due, "on_time": c.on_time, "shelved": c.shelved, "closed": c.closed, "reworked": c.reworked,
        "returns": c.returns, "supervisions": c.supervisions, "handled": c.handled,
        "on_time_rate_pct": percent(m.on_time_rate), "closure_rate_pct": percent(m.closure_rate),
        "rework_rate_pct": percent(m.rework_rate), "return_rate_pct": percent(m.return_rate),
        "mean_hours": m.mean_hours,
    }  # fmt: skip


def _satisfaction_json(s) -> dict:
    """满意率 of a unit: answers 已解决 of the answers given in the month (rate None: no answers)."""
    return {"solved": s.solved, "answered": s.answered, "rate_pct": s.rate_pct}


def _nearest_scored(store, county, month: str) -> str | None:
    """The month nearest ``month`` with any inspection (an earlier one on a tie), for a month with
    none: the empty page offers it instead of a table of 本月无考核."""
    months = {
        i.inspected_at.astimezone(COUNTY_TZ).strftime("%Y-%m") for i in store.list_inspections(county.id)
    }
    if not months:
        return None

    def distance(m: str) -> tuple[int, int]:
        gap = abs((int(m[:4]) - int(month[:4])) * 12 + int(m[5:]) - int(month[5:]))
        return gap, m > month

    return min(months - {month}, key=distance, default=None)


@pages.get("/scores/tiers")
@login_required
def tiers():
    """社区等次评定与文明称号: everyone signed in may look; only an administrator gets the buttons."""
    store, county = store_and_county()
    month = request.args.get("month") or default_month()
    titled = store.list_zones(county.id, kind=titles.TITLED_KINDS)  # a courtyard may be a 文明楼院
    communities = [z for z in titled if z.kind in COMMUNITY_KINDS]
    courtyards = [z for z in titled if z.kind == "courtyard"]
    names = {z.id: z.name for z in titled}
    awards = sorted(
        store.list_titles(county.id), key=lambda a: (a.withdrawn_on is not None, a.awarded_on, a.id)
    )
    context = dict(county=county, month=month, months=_choices(month), tier_names=TIERS, title_names=TITLES,
                   communities=communities, courtyards=courtyards, names=names, awards=awards, admin=current_user.role == "admin",
                   today=clock.local_now().date().isoformat())  # fmt: skip
    try:
        checked_month(month)
    except InvalidInput as exc:
        return render_template("scores/tiers.html", error=message_of(exc), proposals=None, **context), 400
    proposals = propose_tiers(store, county, month)
    nearest = None if any(p.score is not None for p in proposals) else _nearest_scored(store, county, month)
    return render_template("scores/tiers.html", proposals=proposals, nearest=nearest, **context)


def checked_month(month: str | None) -> str:
    """``month`` ('YYYY-MM', last month when blank), refused in Chinese when malformed or future."""
    return check_month(month or default_month())


def _this_month() -> str:
    return clock.local_now().strftime("%Y-%m")


def _choices(chosen: str) -> list[str]:
    """The months to pick from, newest first: this one and the 12 before, and ``chosen`` if it is
    an older, valid one (a link kept from long ago). Listed rather than ``<input type=month>``,
    which a browser may label in English."""
    month = _this_month()
    months = [month]
    while len(months) < 13:
        months.append(previous_month(months[-1]))
    if chosen not in months and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", chosen) and chosen < month:
        months.append(chosen)
    return months


def _rules(store, month: str | None) -> list[tuple[str, float, str]]:
    """(key, value, description) of every score setting in force in ``month`` (None: this month),
    in the order of RULES; the description is the table's (Chinese), or in English the
    catalogue's for a setting it knows."""
    settings = store.score_settings(month or _this_month())
    keys = sorted(settings, key=lambda k: (RULES.index(k) if k in RULES else len(RULES), k))
    english = current_lang() == "en"
    return [
        (k, settings[k][0], t(f"scores.rule.{k}") if english and k in RULES else settings[k][1]) for k in keys
    ]
