"""The administrators' list of failed deliveries (/admin/deliveries): the e-mails and robot
messages the outbox gave up on after every retry (geodata/notify/outbox.py), newest first, read only."""

from __future__ import annotations

from flask import Blueprint, render_template

from webmap import get_store
from webmap.views.common import ADMINS, current_county, roles_required
from webmap.views.params import page_number

bp = Blueprint("deliveries", __name__)
PER_PAGE = 50


@bp.get("/admin/deliveries")
@roles_required(*ADMINS, refusal="inbox.admins_only")
def failed_page():
    store = get_store()
    county = current_county(store)
    page = page_number()
    total = store.count_deliveries(county.id, "failed")
    items = store.list_deliveries(county.id, "failed", PER_PAGE, (page - 1) * PER_PAGE)
    return render_template(
        "admin/deliveries.html", county=county, items=items, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )  # fmt: skip
