"""One vocabulary: every code the portal shows a person, with its Chinese and its English label.

Domain messages name things with these (Chinese first, English beside it: ``PortalError(zh, en=…)``),
the pages look them up as ``label.<vocabulary>.<code>`` (webmap/texts/labels.py makes those keys
from this module) and scripts get them with the rest of their texts. A code's label is written
here once; nothing else spells out what a 社区 or a 牵头单位 is called."""

from __future__ import annotations

Vocabulary = dict[str, tuple[str, str]]  # code → (Chinese, English)

ZONE_KIND: Vocabulary = {
    "subdistrict": ("街道", "subdistrict"),
    "community": ("社区", "community"),
    "village": ("村", "village"),
    "courtyard": ("楼院", "courtyard"),
    "grid": ("单元网格", "grid cell"),
}
# What a change of assignments or an inspection is about: a road segment or a zone of a kind.
TARGET_KIND: Vocabulary = {"segment": ("路段", "road segment"), **ZONE_KIND}
# What a person may do (accounts), and what a unit is on a target (its post).
USER_ROLE: Vocabulary = {
    "admin": ("管理员", "administrator"),
    "leader": ("领导", "leader"),
    "unit_staff": ("责任单位", "unit staff"),
    "inspector": ("督查员", "inspector"),
}
POST_ROLE: Vocabulary = {"lead": ("牵头单位", "lead unit"), "assist": ("协助单位", "assisting unit")}
# The evaluators' panels (评议组) of the monthly inspections.
PANEL: Vocabulary = {
    "patrol": ("督查科", "The inspection office"),
    "npc": ("人大代表", "People's Congress deputies"),
    "cppcc": ("政协委员", "CPPCC members"),
    "community": ("社区居委会", "Residents' committees"),
}
# A case's place in the workflow (立案→派遣→处置→核查→结案, DESIGN §2).
STATUS: Vocabulary = {
    "filed": ("待派发", "To dispatch"),
    "dispatched": ("已派发", "Dispatched"),
    "handled": ("已处置", "Handled"),
    "verified": ("已核查", "Verified"),
    "closed": ("已结案", "Closed"),
    "rejected": ("已驳回", "Rejected"),
    "reopened": ("返工", "Sent back for rework"),
    "returned": ("回退待审", "Returned, to review"),
    "shelved": ("挂账", "On record"),
}
# Requests on a case and where they stand (geodata/cases/handling.py), and 督办.
REQUEST_KIND: Vocabulary = {
    "return": ("回退", "return"),
    "extend": ("延期", "extension"),
    "shelve": ("挂账", "on record"),
}
REQUEST_STATE: Vocabulary = {
    "pending": ("待审批", "waiting for a decision"),
    "approved": ("已同意", "approved"),
    "refused": ("未同意", "refused"),
    "ended": ("已结束", "ended"),
}
SUPERVISION_STATE: Vocabulary = {
    "open": ("待答复", "open"),
    "answered": ("已答复", "answered"),
    "closed": ("已办结", "closed"),
}
SUPERVISION_LEVEL: Vocabulary = {"1": ("一级督办", "level 1"), "2": ("二级督办", "level 2")}
# A resident's 随手拍 before and after moderation.
REPORT_STATE: Vocabulary = {
    "pending": ("待审核", "pending"),
    "approved": ("已受理", "accepted"),
    "merged": ("已合并", "merged"),
    "rejected": ("未受理", "declined"),
}
# A day of a county's calendar, and how a category's deadline counts hours (DESIGN §10).
HOLIDAY_KIND: Vocabulary = {"holiday": ("节假日", "holiday"), "workday": ("调休上班日", "make-up workday")}
DEADLINE_KIND: Vocabulary = {"working": ("工作时", "working hours"), "calendar": ("自然时", "calendar hours")}
# The national 数字城管 catalogue's classes of a category (部件 a thing, 事件 an event).
CC_CLASS: Vocabulary = {"component": ("部件", "component"), "event": ("事件", "event")}
# What a notification tells (geodata/notify/rules.py), the channels it goes out on beside the inbox,
# and where a delivery stands in the outbox.
NOTIFICATION_KIND: Vocabulary = {
    "dispatched": ("派发", "dispatched"),
    "rework": ("返工", "sent back for rework"),
    "returned": ("回退待审", "returned, to review"),
    "return_approved": ("回退已同意", "return approved"),
    "return_refused": ("回退未同意", "return refused"),
    "extension_asked": ("延期申请", "extension asked"),
    "extension_approved": ("延期已同意", "extension approved"),
    "extension_refused": ("延期未同意", "extension refused"),
    "shelved": ("挂账", "on record"),
    "due_soon": ("即将到期", "due soon"),
    "overdue": ("已逾期", "overdue"),
    "digest": ("每日待办", "daily digest"),
    "supervision_1": ("一级督办", "supervision, level 1"),
    "supervision_2": ("二级督办", "supervision, level 2"),
    "report_accepted": ("随手拍已受理", "report accepted"),
    "report_merged": ("随手拍已并案", "report merged"),
    "report_declined": ("随手拍未受理", "report declined"),
    "report_step": ("随手拍进展", "report progress"),
}
CHANNEL: Vocabulary = {
    "email": ("电子邮件", "e-mail"),
    "wecom": ("企业微信群机器人", "WeCom group robot"),
    "dingtalk": ("钉钉群机器人", "DingTalk group robot"),
}
DELIVERY_STATE: Vocabulary = {
    "pending": ("待发送", "waiting"),
    "sent": ("已发送", "sent"),
    "failed": ("发送失败", "failed"),
}
# What a unit's form asks (geodata/assignments/units.py): refusals and the page name each field so.
UNIT_FIELD: Vocabulary = {
    "code": ("单位编码", "code"),
    "name": ("单位名称", "name"),
    "kind": ("单位类别", "kind"),
    "hotline": ("服务热线", "hotline"),
    "head": ("负责人", "head"),
    "head_phone": ("负责人电话", "head's phone"),
    "duty_officer": ("值班员", "duty officer"),
    "duty_phone": ("值班电话", "duty phone"),
    "email": ("值班邮箱", "duty e-mail"),
    "wecom_url": ("企业微信群机器人地址", "WeCom robot URL"),
    "dingtalk_url": ("钉钉群机器人地址", "DingTalk robot URL"),
    "dingtalk_secret": ("钉钉加签密钥", "DingTalk signing secret"),
}
AUDIT_RESULT: Vocabulary = {"ok": ("成功", "ok"), "refused": ("拒绝", "refused"), "error": ("出错", "error")}

VOCABULARIES: dict[str, Vocabulary] = {
    "zone_kind": ZONE_KIND,
    "target_kind": TARGET_KIND,
    "user_role": USER_ROLE,
    "post_role": POST_ROLE,
    "panel": PANEL,
    "status": STATUS,
    "report_state": REPORT_STATE,
    "request_kind": REQUEST_KIND,
    "request_state": REQUEST_STATE,
    "supervision_state": SUPERVISION_STATE,
    "supervision_level": SUPERVISION_LEVEL,
    "audit_result": AUDIT_RESULT,
    "holiday_kind": HOLIDAY_KIND,
    "deadline_kind": DEADLINE_KIND,
    "cc_class": CC_CLASS,
    "notification_kind": NOTIFICATION_KIND,
    "channel": CHANNEL,
    "delivery_state": DELIVERY_STATE,
    "unit_field": UNIT_FIELD,
}


def zh(vocabulary: Vocabulary) -> dict[str, str]:
    """code → Chinese label."""
    return {code: names[0] for code, names in vocabulary.items()}


def en(vocabulary: Vocabulary) -> dict[str, str]:
    """code → English label."""
    return {code: names[1] for code, names in vocabulary.items()}


def capital(text: str) -> str:
    """A label as a heading or a list entry shows it: its first letter upper case, the rest as is."""
    return text[:1].upper() + text[1:]


def label(vocabulary: Vocabulary, code: str, lang: str = "zh") -> str:
    """A code's label in ``lang``; the code itself when the vocabulary lacks it."""
    names = vocabulary.get(code)
    return code if names is None else names[0 if lang == "zh" else 1]


ZONE_KIND_ZH, ZONE_KIND_EN = zh(ZONE_KIND), en(ZONE_KIND)
TARGET_KIND_ZH, TARGET_KIND_EN = zh(TARGET_KIND), en(TARGET_KIND)
ROLE_ZH, ROLE_EN = zh(USER_ROLE), en(USER_ROLE)
POST_ROLE_ZH, POST_ROLE_EN = zh(POST_ROLE), en(POST_ROLE)
PANEL_ZH, PANEL_EN = zh(PANEL), en(PANEL)
STATUS_ZH, STATUS_EN = zh(STATUS), en(STATUS)
STATE_ZH, STATE_EN = zh(REPORT_STATE), en(REPORT_STATE)
RESULT_ZH = zh(AUDIT_RESULT)
HOLIDAY_KIND_ZH, HOLIDAY_KIND_EN = zh(HOLIDAY_KIND), en(HOLIDAY_KIND)
DEADLINE_KIND_ZH, DEADLINE_KIND_EN = zh(DEADLINE_KIND), en(DEADLINE_KIND)
CC_CLASS_ZH, CC_CLASS_EN = zh(CC_CLASS), en(CC_CLASS)
