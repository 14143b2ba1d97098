"""The administrators' home (/admin): one card per section of the administration, each a page of
its own under /admin. A section is one line of ``SECTIONS``; the admin pages' sub-navigation
(templates/admin/layout.html) and this page both read it, so a new section appears in both."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template

from webmap import get_store
from webmap.views.common import ADMINS, current_county, roles_required

bp = Blueprint("admin_home", __name__)


@dataclass(frozen=True)
class Section:
    endpoint: str  # the section's first page
    key: str  # its texts: admin.<key> (the name) and admin.<key>.intro (one line on the home page)


SECTIONS: tuple[Section, ...] = (
    Section("admin_users.users_page", "users"),
    Section("admin_keys.keys_page", "keys"),
    Section("admin_units.units_page", "units"),
    Section("admin_categories.list_page", "categories"),
    Section("admin_scoring.scoring_page", "scoring"),
    Section("admin_checklists.checklists_page", "checklists"),
    Section("admin_holidays.calendar_page", "holidays"),
    Section("admin_county.settings_page", "county"),
    Section("admin_data.data_page", "data"),
    Section("admin_jobs.jobs_page", "jobs"),
    Section("admin_export.export_page", "export"),
    Section("score_pages.tiers", "tiers"),  # read by leaders too: it stays under /scores
    Section("admin.audit_page", "audit"),
    Section("deliveries.failed_page", "deliveries"),
)


@bp.get("/admin")
@roles_required(*ADMINS, refusal="admin.admins_only")
def home():
    county = current_county(get_store())
    return render_template("admin/home.html", county=county)


def admin_sections() -> tuple[Section, ...]:
    """For the templates: the sections, in order (a Jinja global)."""
    return SECTIONS
