"""The texts of case handling in the scores (办件指标, issue #19 part 4; geodata/scores/handling.py):
the two parts and the handling table of /scores, their rules, and the monthly report's handling
table, in both languages (merged into webmap/i18n.py)."""

from __future__ import annotations

ZH = {
    # -- /scores (scores/index.html) ----------------------------------------------------------
    "scores.evaluation": "考评得分",
    "scores.handling_part": "办件得分",
    "scores.no_handling": "本月无应结案件",
    "scores.formula": "总分 = {we} × 考评得分 + {wh} × 办件得分",
    "scores.formula.handling": "办件得分 = 100 × (0.6 × 按期结案率 + 0.2 × 结案率 + 0.2 × (1 − 返工率)) − 20 × 督办率（督办数 ÷ 应结案数，至多 1），最低 0 分",
    "scores.formula.alone": "本月无应结案件的单位没有办件得分，总分即考评得分；本月无考评的单位不计总分、不排名。",
    "scores.handling.heading": "{month} 办件指标",
    "scores.handling.due": "应结案数",
    "scores.handling.on_time": "按期结案数",
    "scores.handling.shelved": "挂账数",
    "scores.handling.on_time_rate": "按期结案率",
    "scores.handling.closure_rate": "结案率",
    "scores.handling.rework_rate": "返工率",
    "scores.handling.return_rate": "回退率",
    "scores.handling.supervisions": "督办数",
    "scores.handling.mean_hours": "平均处置时长",
    "scores.handling.hours": "{h} 小时",
    "scores.handling.returns_of": "（{n}）",
    "scores.exposed_parts": "考评 {evaluation} · 办件 {handling}",
    "scores.rules.handling": "办件指标：单位本月应结案件是其责任案件中（不含重复、驳回）现行处置时限（含批准的延期）落在本月的案件，"
    "即应结案数；按期结案数为其中首次处置不晚于现行时限的；挂账数为其中已挂账的；"
    "按期结案率 = 按期结案数 ÷ (应结案数 − 挂账数)，分母为 0 记“—”（计办件得分时按 100% 计）；"
    "结案率 = 已核查或已结案的 ÷ 应结案数；返工率 = 返工过的 ÷ 应结案数；"
    "回退率 = 本月申请并获批准的回退 ÷ (应结案数 + 这些回退)，计入派单方、只展示不计分；"
    "督办数为本月对该单位发起的督办；平均处置时长为本月首次处置的案件自派发至首次处置的平均小时数。",
    "scores.rule.weight_evaluation": "单位总分：考评得分的权重（总分 = 考评权重 × 考评得分 + 办件权重 × 办件得分）",
    "scores.rule.weight_handling": "单位总分：办件得分的权重（本月无应结案件的单位，总分即考评得分）",
    # -- the monthly report's handling table (report/monthly.html) ----------------------------
    "cases.monthly.handling": "各单位办件指标",
    "cases.monthly.handling_note": "应结案件为现行处置时限落在本月的责任案件；按期结案率 = 按期结案数 ÷ (应结案数 − 挂账数)；"
    "回退率计入派单方，只展示不计分。总分 = {we} × 考评得分 + {wh} × 办件得分。",
    "cases.monthly.no_handling": "本月没有应结案件。",
    "cases.monthly.hours_col": "平均处置时长（小时）",
}

EN = {
    "scores.evaluation": "Evaluation",
    "scores.handling_part": "Handling",
    "scores.no_handling": "No case due this month",
    "scores.formula": "Total = {we} × evaluation + {wh} × handling",
    "scores.formula.handling": "Handling = 100 × (0.6 × on-time rate + 0.2 × closure rate + 0.2 × (1 − rework rate)) "
    "− 20 × the supervision rate (orders ÷ cases due, at most 1), at least 0",
    "scores.formula.alone": "A unit with no case due this month has no handling score: its total is its evaluation; "
    "a unit not evaluated this month has no total and is not ranked.",
    "scores.handling.heading": "Case handling, {month}",
    "scores.handling.due": "Cases due",
    "scores.handling.on_time": "Closed on time",
    "scores.handling.shelved": "On record",
    "scores.handling.on_time_rate": "On-time rate",
    "scores.handling.closure_rate": "Closure rate",
    "scores.handling.rework_rate": "Rework rate",
    "scores.handling.return_rate": "Return rate",
    "scores.handling.supervisions": "Supervision orders",
    "scores.handling.mean_hours": "Mean handling time",
    "scores.handling.hours": "{h} h",
    "scores.handling.returns_of": " ({n})",
    "scores.exposed_parts": "evaluation {evaluation} · handling {handling}",
    "scores.rules.handling": "Case handling: a unit's cases due this month are its cases (neither duplicates nor "
    "rejected) whose deadline in force (an approved extension included) falls in the month; closed on time are "
    "those first handled by that deadline; on record those put on record. On-time rate = closed on time "
    "÷ (cases due − on record), “—” when that is 0 (counted as 100 % in the handling score); closure rate = "
    "verified or closed ÷ cases due; rework rate = sent back for rework ÷ cases due; return rate = returns asked "
    "this month and approved ÷ (cases due + those returns), counted against the router: shown, not scored; "
    "supervision orders are those raised on the unit this month; mean handling time is the mean hours from "
    "dispatch to first handling of the cases first handled this month.",
    "scores.rule.weight_evaluation": "Unit total: weight of the evaluation (total = this × evaluation + "
    "handling weight × handling)",
    "scores.rule.weight_handling": "Unit total: weight of the handling score (a unit with no case due: "
    "its total is its evaluation)",
    "cases.monthly.handling": "Case handling by unit",
    "cases.monthly.handling_note": "Cases due are a unit's cases whose deadline in force falls in the month; "
    "on-time rate = closed on time ÷ (cases due − on record); returns count against the router and are shown, "
    "not scored. Total = {we} × evaluation + {wh} × handling.",
    "cases.monthly.no_handling": "No case was due this month.",
    "cases.monthly.hours_col": "Mean handling time (h)",
}
