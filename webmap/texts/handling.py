"""延期, 挂账 and 督办 on the case page, and the leaders' 督办 page (/supervision), in both languages;
the names of requests, their states and 督办 levels from geodata/labels.py."""

from __future__ import annotations

from geodata.labels import REQUEST_KIND, REQUEST_STATE, SUPERVISION_LEVEL, SUPERVISION_STATE

_VOCABULARIES = {
    "request_kind": REQUEST_KIND,
    "request_state": REQUEST_STATE,
    "supervision_state": SUPERVISION_STATE,
    "supervision_level": SUPERVISION_LEVEL,
}


def _labels(lang: int) -> dict[str, str]:
    return {
        f"label.{v}.{code}": names[lang]
        for v, vocab in _VOCABULARIES.items()
        for code, names in vocab.items()
    }


ZH = {
    **_labels(0),
    "cases.handling.title": "延期、挂账与督办",
    "cases.handling.extend": "申请延期",
    "cases.handling.new_deadline": "新的处置时限",
    "cases.handling.reason": "理由",
    "cases.handling.extend_submit": "提交延期申请",
    "cases.handling.decide": "{who} 申请延期至 {until}",
    "cases.handling.decision_note": "审批意见（不同意时必填）",
    "cases.handling.approve": "同意延期",
    "cases.handling.refuse": "不同意",
    "cases.handling.shelve": "挂账（暂缓办理）",
    "cases.handling.plan": "整改计划",
    "cases.handling.review_on": "复查日期",
    "cases.handling.shelve_submit": "挂账",
    "cases.handling.unshelve": "恢复办理",
    "cases.handling.supervise": "督办",
    "cases.handling.level": "督办级别",
    "cases.handling.supervise_note": "督办要求",
    "cases.handling.supervise_submit": "发起督办",
    "cases.handling.requests": "回退、延期与挂账记录",
    "cases.handling.kind": "类型",
    "cases.handling.state": "状态",
    "cases.handling.no_requests": "暂无回退、延期或挂账。",
    "cases.handling.orders": "督办记录",
    "cases.handling.answer": "答复",
    "cases.handling.answer_submit": "提交答复",
    "cases.handling.close": "办结督办",
    "cases.handling.no_orders": "暂无督办。逾期案件由系统自动督办，领导也可以手动督办。",
    "bar.supervision": "督办",
    "supervision.title": "督办",
    "supervision.heading": "督办",
    "supervision.leaders_only": "只有领导可以查看督办",
    "supervision.total": "共 {n} 条",
    "supervision.unit": "责任单位",
    "supervision.all_units": "全部单位",
    "supervision.filter": "筛选",
    "supervision.case": "案件",
    "supervision.raised": "督办时间",
    "supervision.by": "督办人",
    "supervision.empty": "没有符合条件的督办。案件逾期后系统会自动督办；在案件页面也可以手动督办。",
}
EN = {
    **_labels(1),
    "cases.handling.title": "Extensions, on record and supervision",
    "cases.handling.extend": "Ask for an extension",
    "cases.handling.new_deadline": "New deadline",
    "cases.handling.reason": "Reason",
    "cases.handling.extend_submit": "Ask for the extension",
    "cases.handling.decide": "{who} asks for an extension to {until}",
    "cases.handling.decision_note": "Note (needed to refuse)",
    "cases.handling.approve": "Approve",
    "cases.handling.refuse": "Refuse",
    "cases.handling.shelve": "Put on record (handle later)",
    "cases.handling.plan": "Plan",
    "cases.handling.review_on": "Review date",
    "cases.handling.shelve_submit": "Put on record",
    "cases.handling.unshelve": "Take off the record",
    "cases.handling.supervise": "Supervision order",
    "cases.handling.level": "Level",
    "cases.handling.supervise_note": "What is asked",
    "cases.handling.supervise_submit": "Raise the order",
    "cases.handling.requests": "Returns, extensions and records",
    "cases.handling.kind": "Kind",
    "cases.handling.state": "State",
    "cases.handling.no_requests": "No return, extension or record yet.",
    "cases.handling.orders": "Supervision orders",
    "cases.handling.answer": "Answer",
    "cases.handling.answer_submit": "Send the answer",
    "cases.handling.close": "Close the order",
    "cases.handling.no_orders": "No supervision order. The portal raises one when a case is overdue; leaders may raise one by hand.",
    "bar.supervision": "Supervision",
    "supervision.title": "Supervision orders",
    "supervision.heading": "Supervision orders",
    "supervision.leaders_only": "Only leaders may see the supervision orders",
    "supervision.total": "{n} in all",
    "supervision.unit": "Unit",
    "supervision.all_units": "All units",
    "supervision.filter": "Filter",
    "supervision.case": "Case",
    "supervision.raised": "Raised",
    "supervision.by": "By",
    "supervision.empty": "No supervision order matches. The portal raises one when a case is overdue; leaders may raise one on a case's page.",
}
