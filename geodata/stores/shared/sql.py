"""Every concern's SQL that both backends run alike, composed: a backend (sqlite/store.py,
postgis/store.py) adds what it does its own way: statements, encodings, features in a box,
incidents in bulk, spatial lookups and tiles."""

from __future__ import annotations

from geodata.stores.shared.accounts import AccountsSql
from geodata.stores.shared.admin_settings import AdminSettingsSql
from geodata.stores.shared.assignments import AssignmentsSql
from geodata.stores.shared.audit import AuditSql
from geodata.stores.shared.calendar import CalendarSql
from geodata.stores.shared.cases import CasesSql
from geodata.stores.shared.entities import EntitiesSql
from geodata.stores.shared.features import FeaturesSql
from geodata.stores.shared.feedback import FeedbackSql
from geodata.stores.shared.handling import HandlingSql
from geodata.stores.shared.identity import IdentitySql
from geodata.stores.shared.jobs import JobsSql
from geodata.stores.shared.mapedit import MapEditSql
from geodata.stores.shared.maps import MapStateSql
from geodata.stores.shared.notify import NotifySql
from geodata.stores.shared.open311 import Open311Sql
from geodata.stores.shared.public import PublicReportsSql
from geodata.stores.shared.reroute import RerouteSql
from geodata.stores.shared.score_rules import ScoreRulesSql
from geodata.stores.shared.scores import ScoresSql


class SharedSql(
    EntitiesSql, FeaturesSql, AssignmentsSql, CasesSql, ScoresSql, IdentitySql, AuditSql, PublicReportsSql,
    MapEditSql, RerouteSql, MapStateSql, CalendarSql, NotifySql, HandlingSql, FeedbackSql, AccountsSql,
    ScoreRulesSql, AdminSettingsSql, JobsSql, Open311Sql,
):  # fmt: skip
    """The SQL of every concern (the module of the same name in geodata/stores/interface/ says what
    it promises), on the primitives and encoders a backend gives ``BaseStore``."""
