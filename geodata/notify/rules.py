"""Who is told what when a case moves: one table, ``RULES``, of notification kinds, each with its
recipients, the channels it goes out on beside the inbox, and its title and body in Chinese and
English. Adding an event is one entry there (and its word in geodata/labels.py NOTIFICATION_KIND).

``notify`` writes the inbox rows and their deliveries in the caller's transaction: the workflow
calls it from inside the transaction of the event (geodata/cases/workflow.py ``_event``), so a crash
loses neither the case's step nor its message. Bulk paths (the demo's seeding through
``add_incidents``, imports) call nothing here and write no notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from geodata.cases.steps import public_step
from geodata.labels import STATUS_EN, STATUS_ZH
from geodata.model import COUNTY_TZ, County, Incident, IncidentEvent, PublicReport
from geodata.notify.model import CHANNELS, Delivery, Notification, Recipient
from geodata.stores.store import Store


@dataclass(frozen=True)
class Rule:
    """A kind of notification. ``title`` and ``body`` are (Chinese, English) templates over the
    facts of ``facts()``; ``on_status``: a workflow step into this status raises it."""

    recipients: str  # a key of RECIPIENTS
    title: tuple[str, str]
    body: tuple[str, str]
    on_status: str | None = None
    channels: tuple[str, ...] = CHANNELS


RULES: dict[str, Rule] = {
    "dispatched": Rule(
        "case_unit",
        ("新派发案件 #{id}：{category}", "Case #{id} dispatched to you: {category_en}"),
        (
            "案件 #{id}（{category}）已派发至{unit}，请于 {deadline} 前处置。{where}{note}",
            "Case #{id} ({category_en}) was dispatched to {unit}; please handle it by {deadline}. "
            "{where_en}{note_en}",
        ),
        on_status="dispatched",
    ),
    "rework": Rule(
        "case_unit",
        ("案件 #{id} 返工：{category}", "Case #{id} sent back for rework: {category_en}"),
        (
            "案件 #{id}（{category}）未办结，退回{unit}返工（第 {rework} 次），请于 {deadline} 前处置。{note}",
            "Case #{id} ({category_en}) is not solved and is sent back to {unit} for rework "
            "(time {rework}); please handle it by {deadline}. {note_en}",
        ),
        on_status="reopened",
    ),
    "returned": Rule(
        "leaders",
        ("案件 #{id} 被{unit}回退，待重新派发", "Case #{id} returned by {unit}, to dispatch again"),
        (
            "{unit}回退了案件 #{id}（{category}），认为不属于本单位。{note}",
            "{unit} returned case #{id} ({category_en}) as not its own. {note_en}",
        ),
        on_status="returned",
    ),
    "return_approved": Rule(
        "case_unit",
        ("案件 #{id} 回退已同意", "Return of case #{id} approved"),
        (
            "案件 #{id}（{category}）的回退已同意，已改派其他单位或驳回。{note}",
            "The return of case #{id} ({category_en}) was approved: it went to another unit or was rejected. {note_en}",
        ),
    ),
    "return_refused": Rule(
        "case_unit",
        ("案件 #{id} 回退未同意", "Return of case #{id} refused"),
        (
            "案件 #{id}（{category}）的回退未同意，仍由{unit}处置，请于 {deadline} 前处置。{note}",
            "The return of case #{id} ({category_en}) was refused: {unit} handles it, by {deadline}. {note_en}",
        ),
    ),
    "extension_asked": Rule(
        "leaders",
        ("案件 #{id} 申请延期", "Extension asked for case #{id}"),
        (
            "{unit}申请将案件 #{id}（{category}）延期，待审批。{note}",
            "{unit} asks for more time on case #{id} ({category_en}): to decide. {note_en}",
        ),
    ),
    "extension_approved": Rule(
        "case_unit",
        ("案件 #{id} 延期已同意", "Extension of case #{id} approved"),
        (
            "案件 #{id}（{category}）的延期已同意，新时限 {deadline}。{note}",
            "The extension of case #{id} ({category_en}) was approved: the new deadline is {deadline}. {note_en}",
        ),
    ),
    "extension_refused": Rule(
        "case_unit",
        ("案件 #{id} 延期未同意", "Extension of case #{id} refused"),
        (
            "案件 #{id}（{category}）的延期未同意，时限仍为 {deadline}。{note}",
            "The extension of case #{id} ({category_en}) was refused: the deadline stays {deadline}. {note_en}",
        ),
    ),
    "shelved": Rule(
        "case_unit",
        ("案件 #{id} 已挂账", "Case #{id} put on record"),
        (
            "案件 #{id}（{category}）已挂账，到复查日期后恢复办理。{note}",
            "Case #{id} ({category_en}) was put on record; it comes back on its review date. {note_en}",
        ),
        on_status="shelved",
    ),
    "supervision_1": Rule(
        "case_unit",
        ("一级督办：案件 #{id}", "Supervision order, level 1: case #{id}"),
        (
            "案件 #{id}（{category}）已逾期（时限 {deadline}），请{unit}负责人督促办理并答复。{note}",
            "Case #{id} ({category_en}) is overdue (deadline {deadline}): the head of {unit} is asked to see "
            "to it and answer. {note_en}",
        ),
    ),
    "due_soon": Rule(
        "case_unit",
        ("案件 #{id} 即将到期", "Case #{id} is due soon"),
        (
            "案件 #{id}（{category}）将于 {deadline} 到期（不足 4 个工作小时），请尽快处置。{where}",
            "Case #{id} ({category_en}) is due at {deadline} (less than 4 working hours left); please handle it. {where_en}",
        ),
    ),
    "overdue": Rule(
        "case_unit",
        ("案件 #{id} 已逾期", "Case #{id} is overdue"),
        (
            "案件 #{id}（{category}）已超过处置时限 {deadline}，请立即处置；逾期将被督办。{where}",
            "Case #{id} ({category_en}) passed its deadline {deadline}; please handle it now, or it will be "
            "supervised. {where_en}",
        ),
    ),
    "digest": Rule(
        "case_unit",
        ("{day} 待办：{unit}", "To do on {day}: {unit}"),
        (
            "{unit}今日待办：在办 {open} 件，今日到期 {due_today} 件，已逾期 {overdue} 件。",
            "{unit} today: {open} open, {due_today} due today, {overdue} overdue.",
        ),
    ),
    "supervision_2": Rule(
        "case_unit_and_leaders",
        ("二级督办：案件 #{id}", "Supervision order, level 2: case #{id}"),
        (
            "案件 #{id}（{category}）逾期未办（时限 {deadline}，责任单位{unit}），升级至县分管领导督办。{note}",
            "Case #{id} ({category_en}) is still overdue (deadline {deadline}, unit {unit}): raised to the "
            "county leader in charge. {note_en}",
        ),
    ),
}
# To the reporter of a 随手拍 who left an e-mail address and agreed (``PublicReport.notify_email``):
# e-mail only, public facts only (the public steps of geodata/cases/steps.py), and how to stop.
STOP = (
    "如不想再收到邮件，可在进度页选择“不再接收邮件”。",
    "To receive no more e-mails, choose “No more e-mails” on the progress page.",
)
REPORTER_RULES: dict[str, Rule] = {
    "report_accepted": Rule(
        "reporter",
        ("您的随手拍已受理：案件 #{id}", "Your report was accepted: case #{id}"),
        (
            "您反映的{category}问题（查询码 {token}）已立案为案件 #{id}，当前状态：{status}。" + STOP[0],
            "The {category_en} problem you reported (code {token}) is now case #{id}, status: {status_en}. "
            + STOP[1],
        ),
        channels=("email",),
    ),
    "report_merged": Rule(
        "reporter",
        ("您的随手拍已并入案件 #{id}", "Your report joined case #{id}"),
        (
            "您反映的{category}问题（查询码 {token}）与正在办理的案件 #{id} 是同一问题，已并入该案件一并办理。"
            + STOP[0],
            "The {category_en} problem you reported (code {token}) is the same as case #{id}, already being "
            "handled: it joined that case. " + STOP[1],
        ),
        channels=("email",),
    ),
    "report_declined": Rule(
        "reporter",
        ("您的随手拍未予受理", "Your report was not accepted"),
        (
            "您反映的{category}问题（查询码 {token}）未予受理。理由：{reason}",
            "The {category_en} problem you reported (code {token}) was not accepted. Reason: {reason}",
        ),
        channels=("email",),
    ),
    "report_step": Rule(
        "reporter",
        ("您的随手拍有新进展：{status}", "Progress on your report: {status_en}"),
        (
            "您反映的{category}问题（查询码 {token}，案件 #{id}）{at} {status}。{note}" + STOP[0],
            "The {category_en} problem you reported (code {token}, case #{id}): {status_en} at {at}. {note_en}"
            + STOP[1],
        ),
        channels=("email",),
    ),
}
KIND_OF_STATUS = {rule.on_status: kind for kind, rule in RULES.items() if rule.on_status}


def _case_unit(store: Store, incident: Incident) -> list[Recipient]:
    return [Recipient(unit_id=incident.unit_id)] if incident.unit_id is not None else []


def _leaders(store: Store, incident: Incident) -> list[Recipient]:
    """The county's leaders, each in their own inbox."""
    return [
        Recipient(user_id=u.id)
        for u in store.list_users()
        if u.role == "leader" and u.county_id in (None, incident.county_id) and u.disabled_at is None
    ]


# Who a rule's ``recipients`` names (a reporter is told by ``notify_reporter``).
RECIPIENTS: dict[str, Callable[[Store, Incident], list[Recipient]]] = {
    "case_unit": _case_unit,
    "leaders": _leaders,
    "case_unit_and_leaders": lambda store, incident: _case_unit(store, incident) + _leaders(store, incident),
}


def on_step(store: Store, county: County, incident: Incident, event: IncidentEvent):
    """The notifications of a workflow step, if a rule asks for them, and the step as the public
    reads it to each reporter following the case by e-mail."""
    kind = KIND_OF_STATUS.get(event.to_status)
    if kind is not None:
        notify(store, county, kind, incident, event.at, event.note)
    reports = store.reports_following(county.id, incident.id)
    if reports:
        step = public_step(event)
        facts = {
            **_facts(store, incident, ""), "at": event.at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M"),
            "status": STATUS_ZH[step.status], "status_en": STATUS_EN[step.status],
            "note": f"{step.note_zh}。" if step.note_zh else "", "note_en": f"{step.note_en}. " if step.note_en else "",
        }  # fmt: skip
        for report in reports:
            notify_reporter(store, county, "report_step", report, {**facts, "token": report.token}, event.at)


def notify_reporter(store: Store, county: County, kind: str, report: PublicReport, facts: dict, at: datetime):
    """Tell a report's reporter by e-mail (``REPORTER_RULES``), if they left an address and agreed:
    a notification for the report (no inbox reads it) and its one e-mail delivery."""
    if not report.notify_email:
        return None
    rule = REPORTER_RULES[kind]
    stored = store.add_notification(
        Notification(
            county.id, kind, report.incident_id, Recipient(report_id=report.id),
            rule.title[0].format(**facts), rule.body[0].format(**facts).strip(),
            rule.title[1].format(**facts), rule.body[1].format(**facts).strip(), at,
            link=f"/reports/{report.token}",
        )
    )  # fmt: skip
    store.add_deliveries(
        [
            Delivery(
                county.id,
                stored.id,
                "email",
                report.notify_email,
                message_id(stored.id, "email", county.code),
                at,
            )
        ]
    )
    return stored


def notify(
    store: Store,
    county: County,
    kind: str,
    incident: Incident,
    at: datetime,
    note: str = "",
    deliver: bool = True,
) -> list[Notification]:
    """Write the ``kind`` notification of ``incident`` for each of its recipients, and (with
    ``deliver``) a pending delivery per channel each recipient has, due at once. Call it inside
    the transaction that records the event."""
    rule = RULES[kind]
    recipients = RECIPIENTS[rule.recipients](store, incident)
    return _write(store, county, kind, incident.id, recipients, _facts(store, incident, note), at, deliver)


def notify_unit(
    store: Store, county: County, kind: str, unit_id: int, facts: dict, at: datetime
) -> Notification:
    """A notification about no one case (the daily digest) to a unit, with its deliveries."""
    (written,) = _write(store, county, kind, None, [Recipient(unit_id=unit_id)], facts, at, True)
    return written


def _write(store, county, kind, incident_id, recipients, facts, at, deliver) -> list[Notification]:
    rule = RULES[kind]
    written = []
    for recipient in recipients:
        stored = store.add_notification(
            Notification(
                county.id, kind, incident_id, recipient,
                rule.title[0].format(**facts), rule.body[0].format(**facts).strip(),
                rule.title[1].format(**facts), rule.body[1].format(**facts).strip(), at,
                link=f"/cases/{incident_id}" if incident_id is not None else "",
            )
        )  # fmt: skip
        written.append(stored)
        if deliver and recipient.unit_id is not None:
            contact = store.get_unit_contact(county.id, recipient.unit_id)
            store.add_deliveries(
                [
                    Delivery(
                        county.id, stored.id, channel, target, message_id(stored.id, channel, county.code), at
                    )
                    for channel, target in contact.targets()
                    if channel in rule.channels
                ]
            )
    return written


def message_id(notification_id: int, channel: str, county_code: str) -> str:
    """The message's id, the same on every try: the Message-ID of an e-mail, the last line of a
    robot's text; a receiver may drop a second copy by it."""
    return f"<n{notification_id}.{channel}@portal.{county_code}>"


def _facts(store: Store, incident: Incident, note: str) -> dict[str, object]:
    category = store.get_category(incident.category)
    unit = store.get_unit(incident.county_id, incident.unit_id) if incident.unit_id is not None else None
    deadline = (
        incident.deadline_at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M") if incident.deadline_at else "—"
    )
    return {
        "id": incident.id, "category": category.name_zh, "category_en": category.name_en,
        "unit": unit.name if unit else "—", "deadline": deadline,
        "where": f"地址：{incident.address}。" if incident.address else "",
        "where_en": f"Address: {incident.address}. " if incident.address else "",
        "rework": incident.rework, "note": f"说明：{note}" if note else "", "note_en": f"Note: {note}" if note else "",
    }  # fmt: skip
