"""The domain of the responsibility-zone scheme (分兵把口), as plain dataclasses.

Geometries are shapely objects in EPSG:4326 (lon, lat). Times are timezone-aware UTC datetimes.
Every entity carries ``county_id``: the county is the tenant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from shapely.geometry.base import BaseGeometry

COUNTY_TZ = timezone(timedelta(hours=8), "CST")  # the county's clock: China Standard Time

ZONE_KINDS = ("subdistrict", "community", "village", "courtyard", "grid")
# A village (村) is a rural community: communities and villages together tile the county under its
# subdistricts, are scored, given tiers and shown to the public alike.
COMMUNITY_KINDS = ("community", "village")
# Zones inside a community or village, which is their parent: grid cells tile it, courtyards (楼院,
# housing compounds) are islands in it.
INNER_ZONE_KINDS = ("courtyard", "grid")
# Finer zones win when a point lies in several: a grid cell beats a courtyard, which beats its
# community or village.
ZONE_FINENESS = {"grid": 0, "courtyard": 1, "community": 2, "village": 2, "subdistrict": 3}
TARGET_KINDS = ("zone", "segment")
ROLES = ("lead", "assist")
USER_ROLES = ("admin", "leader", "unit_staff", "inspector")
LANGS = ("zh", "en")  # the portal's languages: Chinese first
INCIDENT_STATUSES = (
    "filed", "dispatched", "handled", "verified", "closed", "rejected", "reopened", "returned", "shelved"
)  # fmt: skip
# Open until verified, closed or rejected; a new report near an open case of its category repeats it.
OPEN_STATUSES = ("filed", "dispatched", "handled", "reopened", "returned", "shelved")
# A case waits for someone to act in these: past its deadline it is overdue. A handled case waits
# on its check, a case on record (挂账, shelved) on its review date: neither is overdue.
OVERDUE_STATUSES = ("filed", "dispatched", "reopened", "returned")
# The five rectifications (五项整治): the categories of this campaign (posters, vending, parking, ads, sanitation).
FIVE_RECTIFICATIONS = "five_rectifications"
INSPECTION_PANELS = ("patrol", "npc", "cppcc", "community")
# A deadline counts office hours of working days, or the clock's (a missing manhole cover waits for no Monday).
DEADLINE_KINDS = ("working", "calendar")
# A day of a county's calendar that differs from the week's rule: a holiday on a weekday (or a
# weekend inside a holiday), or a make-up workday (调休上班) on a weekend.
HOLIDAY_KINDS = ("holiday", "workday")
CC_CLASSES = ("component", "event")  # 数字城管's 部件 (a manhole cover, a lamp) and 事件 (vending, waste)


@dataclass
class County:
    code: str
    name: str
    id: int | None = None
    extent: BaseGeometry | None = None  # polygon the county's data must fall in
    boundary: BaseGeometry | None = None  # official boundary, when imported
    utm_epsg: int | None = None  # local metric CRS for lengths, areas, distances


@dataclass
class Unit:
    county_id: int
    code: str
    name: str
    kind: str = "bureau"
    hotline: str = ""
    id: int | None = None
    head: str = ""  # 负责人, the person answerable for the unit's posts
    head_phone: str = ""
    duty_officer: str = ""  # 值班员, who answers the duty phone
    duty_phone: str = ""
    version: int = 1  # counts edits: an edit made on an older version is refused (StaleVersion)
    retired_at: datetime | None = None  # 撤销: from then on it guards nothing and is offered nowhere
    retired_by: int | None = None  # the change set of the merge that retired it, if one did

    def retired(self, at: datetime | None = None) -> bool:
        """Whether the unit is retired (by ``at``, when given; else at all, even from a later day)."""
        return self.retired_at is not None and (at is None or self.retired_at <= at)


@dataclass
class Zone:
    county_id: int
    kind: str
    code: str
    name: str
    geom: BaseGeometry
    parent_id: int | None = None
    area_m2: float | None = None
    tier: str | None = None
    titles: tuple[str, ...] = ()
    id: int | None = None
    version: int = 1
    created_at: datetime | None = None  # when make-grid drew it; None: there from the start


@dataclass
class Segment:
    county_id: int
    name: str
    geom: BaseGeometry
    highway: str = ""
    length_m: float | None = None
    source_id: str = ""  # id in the imported file (osmid, ...)
    id: int | None = None
    version: int = 1


@dataclass
class ChangeSet:
    county_id: int
    author: str
    reason: str
    created_at: datetime
    geom: BaseGeometry | None = None  # what the leader drew, kept for the audit
    id: int | None = None
    reverts: int | None = None  # the change set this one undoes, for a revert


@dataclass
class ChangeSetSummary:
    """A change set as the history list shows it: how many targets it changed (a revert: undid),
    and the change set that reverted it, if one did."""

    change_set: ChangeSet
    targets: int
    reverted_by: int | None = None


@dataclass
class GeometryEdit:
    """One outline a change set redrew (geodata/mapedit/zones.py): the target's geometry before and
    after, and the version the edit gave it."""

    county_id: int
    change_set_id: int
    target_kind: str  # zone | segment
    target_id: int
    version: int
    before: BaseGeometry
    after: BaseGeometry
    id: int | None = None


@dataclass
class Assignment:
    county_id: int
    unit_id: int
    target_kind: str  # zone | segment
    target_id: int
    role: str  # lead | assist
    valid_from: datetime
    valid_to: datetime | None = None  # exclusive; None = still in force
    person: str = ""
    phone: str = ""
    duties: tuple[str, ...] = ()  # category codes this post is responsible for
    change_set_id: int | None = None
    id: int | None = None
    closed_by: int | None = None  # the change set that set valid_to
    voided_by: int | None = None  # the change set that reverted this one's; a voided row never counts


@dataclass
class Incident:
    county_id: int
    category: str
    geom: BaseGeometry  # Point
    reported_at: datetime
    status: str = "filed"
    description: str = ""
    source: str = "inspector"
    zone_id: int | None = None
    segment_id: int | None = None
    unit_id: int | None = None
    id: int | None = None
    address: str = ""
    reporter: str = ""  # the account or API key that filed it
    contact: str = ""  # the reporter's name or phone: private, staff only
    deadline_at: datetime | None = None
    updated_at: datetime | None = None
    duplicate_of: int | None = None  # the open case this report repeats; never counted itself
    review_units: tuple[int, ...] = ()  # near a boundary between these units: a leader picks
    rework: int = 0  # times verification failed (返工)


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    deadline_hours: int
    public: bool = True
    sort: int = 0
    campaign: str = ""  # FIVE_RECTIFICATIONS for the five, else ""
    deadline_kind: str = "calendar"  # DEADLINE_KINDS: deadline_hours are working or clock hours
    cc_code: str = ""  # its code in the national 数字城管 catalogue of 部件 and 事件, if any
    cc_class: str = ""  # CC_CLASSES: 'component' (部件), 'event' (事件), or '' (not said)
    retired_at: datetime | None = None  # offered for no new case since; its old cases keep it
    version: int = 1  # one more at every edit: an edit made on an older one is refused

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass(frozen=True)
class CountySetting:
    """What a county's administrators set for it beyond its name (geodata/county_settings.py): an
    empty text means the portal's standard one; ``version`` 0 means never saved."""

    county_id: int
    hotline: str = ""  # the county's public hotline (e.g. 12345)
    public_title_zh: str = ""  # the public map page's title, by language
    public_title_en: str = ""
    public_intro_zh: str = ""  # its introduction paragraph, plain text
    public_intro_en: str = ""
    basemap: str = ""  # the basemap its maps open on (webmap/basemap.py's choices); '' the deployment's
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str = ""


@dataclass(frozen=True)
class Holiday:
    """A day of a county's calendar (geodata/cases/deadlines.py): a holiday or a make-up workday."""

    county_id: int
    day: date
    kind: str  # HOLIDAY_KINDS
    name: str = ""  # 春节, 国庆节 … (a make-up day carries its holiday's name)


@dataclass
class Photo:
    county_id: int
    incident_id: int
    name: str  # the original, staff only
    public_name: str  # the copy without EXIF
    content_type: str
    size: int
    uploaded_by: str
    created_at: datetime
    id: int | None = None


@dataclass
class ApiKey:
    name: str
    role: str
    key_hash: str  # sha256 of the key; the key itself is shown once and never stored
    created_at: datetime
    revoked_at: datetime | None = None
    id: int | None = None
    unit_id: int | None = None  # a unit_staff key's unit: it sees what that unit's staff see
    last_used_at: datetime | None = None  # when it last authenticated a request (to the minute)


@dataclass
class IncidentEvent:
    county_id: int
    incident_id: int
    at: datetime
    actor: str
    to_status: str
    from_status: str | None = None
    note: str = ""
    id: int | None = None


@dataclass
class Inspection:
    county_id: int
    target_kind: str
    target_id: int
    inspector: str
    panel: str
    inspected_at: datetime
    score: float
    items: dict[str, float] = field(default_factory=dict)
    id: int | None = None


@dataclass
class User:
    username: str
    password_hash: str
    role: str
    county_id: int | None = None
    unit_id: int | None = None
    id: int | None = None
    panel: str | None = None  # an evaluator's panel (INSPECTION_PANELS)
    must_change_password: bool = False  # set by someone else (create-user, set-password)
    disabled_at: datetime | None = None  # a disabled user cannot sign in; their sessions ended
    lang: str = "zh"  # the language of the pages for this user (LANGS), as they chose it


@dataclass(frozen=True)
class UserSession:
    """A sign-in, kept server-side so that it really ends (logout, password change, idle, age);
    ``id`` is the SHA-256 of the token in the signed cookie, never the token itself."""

    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    client: str = ""  # keyed hash of the address (geodata.cases.public_reports.client_key)
    user_agent: str = ""  # its first 120 characters
    ended_at: datetime | None = None
    end_reason: str | None = None  # SESSION_END_REASONS


SESSION_END_REASONS = ("logout", "idle", "expired", "password", "admin", "disabled")


@dataclass(frozen=True)
class ChecklistItem:
    target_kind: str  # segment | community | grid
    code: str
    name_zh: str
    max_score: float
    sort: int = 0


TIERS = ("精品", "达标", "攻坚")
TITLES = ("文明社区", "文明楼院", "文明巷弄")


@dataclass
class TierDecision:
    county_id: int
    zone_id: int
    month: str  # YYYY-MM whose scores the decision rests on
    tier: str
    decided_by: str
    decided_at: datetime
    proposed: str | None = None  # what the scores proposed (None: not scored)
    id: int | None = None


@dataclass
class TitleAward:
    county_id: int
    zone_id: int
    title: str
    awarded_on: date
    awarded_by: str
    withdrawn_on: date | None = None
    id: int | None = None


PUBLIC_REPORT_STATES = ("pending", "approved", "merged", "rejected")


@dataclass
class PublicReport:
    """随手拍: what a resident sent, waiting for moderation (see geodata/cases/public_reports.py)."""

    county_id: int
    token: str  # the reporter's tracking code, random
    category: str
    lon: float
    lat: float
    client: str  # keyed hash of the sender's address, for the rate limit only
    submitted_at: datetime
    description: str = ""
    address: str = ""
    contact: str = ""  # private, staff only
    photo: Photo | None = None  # names of the original and its public copy (no case yet)
    state: str = "pending"
    public_reason: str = ""  # why it was rejected or merged, for the public
    moderated_by: str | None = None
    moderated_at: datetime | None = None
    incident_id: int | None = None  # the case it became, or was merged into
    id: int | None = None
    notify_email: str = ""  # private: where its steps are e-mailed, given with the reporter's consent


FEEDBACK_ANSWERS = ("solved", "unsolved")


@dataclass(frozen=True)
class Feedback:
    """A reporter's answer, once per case, to whether its closing fixed the problem
    (geodata/cases/feedback.py): 'solved' (已解决) or 'unsolved' (未解决, which reopens it)."""

    county_id: int
    incident_id: int
    public_report_id: int  # the report whose tracking link it came through
    answer: str
    at: datetime
    id: int | None = None


@dataclass(frozen=True)
class Route:
    """Where a point belongs at a time: DESIGN §6."""

    zone_id: int | None
    segment_id: int | None
    unit_id: int | None
    segment_distance_m: float | None = None
