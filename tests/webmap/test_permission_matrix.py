"""Every route, every method, every kind of caller: the expected class of answer, written once in
``EXPECTED`` and checked against ``app.url_map`` (DESIGN §11, 访问控制). A route without a line in
the table fails the test, naming it.

The classes: ``ok`` (the permission check passed: any 2xx/3xx, or a 4xx other than 401/403, such
as a 400 for the empty body sent, a 404 for an id that is not there or a 409 for a case not ready),
``login`` (a 401 from an API, a 302 to /login?next=… from a page) and ``forbidden`` (403). A 5xx is
always wrong. Bodies are chosen to be refused after the permission check, so the county does not
change; every caller sends the CSRF token of its (possibly anonymous) session: this is about
permission, ``test_a_session_write_without_the_csrf_token_is_refused`` about CSRF.

Adding a route is one line in ``EXPECTED``; when its URL has a parameter of a new name, one more in
``PARAMS``; when its check needs a particular query or body to be reached, one in ``REQUESTS``
(both in tests/support/permission_requests.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest
from shapely.geometry import Point
from werkzeug.security import generate_password_hash

from geodata.accounts.apikeys import issue_key
from geodata.cases import photos
from geodata.model import Incident, User
from tests.support.permission_requests import PARAMS, PARAMS_OF, REQUESTS, RUN_LAST
from tests.support.permissions import (
    EDITORS,
    FORBIDDEN,
    LOGIN,
    MODERATORS,
    OK,
    OWN_UNIT,
    PRINCIPALS,
    Principal,
    evaluators,
    own_unit,
    public,
    signed_in,
    staff_only,
)
from tests.support.web import COUNTY_CODE, PASSWORD, build_county, jpeg_bytes, login
from webmap import create_app, get_store

# -- the table --------------------------------------------------------------------------------
EXPECTED: dict[str, dict] = {
    # sign-in and static assets
    "auth.login": public(),
    "auth.logout": signed_in(),
    "account.password": signed_in(),  # one's own password (修改密码)
    "account.language": signed_in(),  # the language of one's own pages
    "assets.vendor": public(),
    "assets.scoped_vendor": public(),
    # the public site, 随手拍 and Open311 (filing there takes a key, or a session)
    "public.home": public(),
    "public.community": public(),
    "public.communities": public(),
    "public.community_facts": public(),
    "public.search": public(),
    "public.roads": public(),
    "public_reports.submit": public(),
    "public_reports.tracking": public(),
    "public_reports.new_report": public(),
    "public_reports.track": public(),
    "public_reports.answer": public(),  # the reporter's answer on a closed case: whoever holds the link
    "public_reports.stop_email": public(),  # no more e-mails to the reporter: whoever holds the link
    "public_media.public_media": public(),
    "open311.services": public(),
    "open311.service_definition": public(),
    "open311.list_requests": public(),
    "open311.get_request": public(),
    "open311.request_updates": public(),  # the public steps of public cases, as requests show them
    "open311.discovery": public(),
    "open311.create_request": signed_in(keys=True),
    "open311.unknown": public(),
    # OGC API – Features (issue #21 part 1): the public collections for anyone
    "ogcapi.landing": public(),
    "ogcapi.openapi_json": public(),
    "ogcapi.conformance": public(),
    "ogcapi.collections": public(),
    "ogcapi.collection": public(),
    "ogcapi.items": public(),
    "ogcapi.feature": public(),  # a feature that is not there: a 404
    "ogcapi.unknown": public(),
    # the leaders' map and its data (keys read tiles, heat and layers, scoped like their user)
    "portal.index": signed_in(),
    "tiles.vector_tile": signed_in(keys=True),
    "tiles.heat": signed_in(keys=True),
    "tiles.tilejson": signed_in(keys=True),  # TileJSON and the style: for whoever may read the tiles
    "tiles.style": signed_in(keys=True),
    "api.layer_index": signed_in(keys=True),
    "api.layer": signed_in(keys=True),
    "api.units": signed_in(),
    "api.search": signed_in(),
    "api.dashboard": signed_in(),
    # cases (unit staff: their unit's only)
    "cases.create_incident": signed_in(keys=True),
    "cases.list_incidents": signed_in(keys=True),
    "cases.export_incidents": signed_in(keys=True),
    "cases.export_incidents_shapefile": signed_in(keys=True),
    "cases.get_incident": own_unit(keys=True),
    "cases.act": own_unit("unit_staff", "leader", "admin", keys=True),
    # 延期, 挂账 and 督办 (geodata/cases/handling.py): the unit asks and answers, leaders decide
    "handling.ask_extension": own_unit("unit_staff", keys=True),
    "handling.decide": staff_only("leader", "admin", keys=True),
    "handling.shelve": staff_only("leader", "admin", keys=True),
    "handling.unshelve": staff_only("leader", "admin", keys=True),
    "handling.supervise": staff_only("leader", "admin", keys=True),
    "handling.answer": staff_only("unit_staff", keys=True),
    "handling.close": staff_only("leader", "admin", keys=True),
    "supervision_pages.supervision_page": staff_only("leader", "admin"),
    "cases.media": own_unit(),
    "case_pages.report": signed_in(),
    "case_pages.case_list": signed_in(),
    "case_pages.field_home": signed_in(),
    "case_pages.case_page": own_unit(),
    # offline field mode: the worker and the manifest hold no one's data; the kit and a fresh token
    "offline.service_worker": public(),
    "offline.manifest": public(),
    "offline.kit": signed_in(),
    "offline.session_token": signed_in(),
    # moderation of 随手拍
    "moderation.queue_page": staff_only(*MODERATORS),
    "moderation.list_reports": staff_only(*MODERATORS),
    "moderation.moderate": staff_only(*MODERATORS, keys=True),
    "moderation.photo": staff_only(*MODERATORS),
    # 分兵把口: who guards what, and changing it (leaders and admins)
    "assignments.responsible": signed_in(),
    "assignments.history": signed_in(),
    "assignments.guarded": signed_in(),
    "assignments.create_posting": staff_only(*EDITORS),
    "assignments.revert_change_set": staff_only(*EDITORS),
    "edit.index": signed_in(),
    "edit_api.selection": signed_in(),
    "edit_api.preview_posting": staff_only(*EDITORS),
    "segment_edits.split": staff_only(*EDITORS),
    "segment_edits.merge": staff_only(*EDITORS),
    "zone_edit_api.context": staff_only(*EDITORS),
    "zone_edit_api.preview": staff_only(*EDITORS),
    "zone_edit_api.apply": staff_only(*EDITORS),
    "history.change_sets": signed_in(),
    "history.change_set": signed_in(),
    "history.target_history": signed_in(),
    "coverage.report_json": signed_in(),
    "coverage.report_page": signed_in(),
    # inspections, scores, tiers and titles
    "inspect_pages.inspect": signed_in(),
    "inspect_pages.inspection_targets": signed_in(),
    "inspections.checklists": signed_in(),
    "inspections.create_inspection": evaluators(),
    "scores.scores": signed_in(),
    "score_pages.ranking": signed_in(),
    "score_pages.tiers": signed_in(),
    "tiers.proposals": signed_in(),
    "tiers.confirm": staff_only("admin"),
    "tiers.list_titles": signed_in(),
    "tiers.award": staff_only("admin"),
    "tiers.withdraw": staff_only("admin"),
    "admin_home.home": staff_only("admin"),
    "score_report.download": staff_only("leader", "admin"),
    "admin.audit_page": staff_only("admin"),
    "admin.audit_csv": staff_only("admin"),
    "admin.verify_page": staff_only("admin"),
    "deliveries.failed_page": staff_only("admin"),
    # users and API keys (issue #20 part 1): the writes on a user or key that is not there are 404s
    "admin_users.users_page": staff_only("admin"),
    "admin_users.new_user": staff_only("admin"),
    "admin_users.create_user": staff_only("admin"),  # an empty form: refused, nobody created
    "admin_users.user_page": staff_only("admin"),
    "admin_users.edit_user": staff_only("admin"),
    "admin_users.disable_user": staff_only("admin"),
    "admin_users.enable_user": staff_only("admin"),
    "admin_users.reset_password": staff_only("admin"),
    "admin_users.sign_out_user": staff_only("admin"),
    "admin_users.unlock_user": staff_only("admin"),
    "admin_keys.keys_page": staff_only("admin"),
    "admin_keys.create_key": staff_only("admin"),  # an empty form: refused, no key made
    "admin_keys.revoke_key": staff_only("admin"),
    "admin_units.units_page": staff_only("admin"),
    "admin_units.new_unit": staff_only("admin"),  # GET the form; POST (an empty form: refused, 400)
    "admin_units.unit_page": staff_only("admin"),  # the unit MISSING: 404 for an admin
    "admin_unit_changes.retire": staff_only("admin"),
    "admin_unit_changes.merge": staff_only("admin"),
    "admin_scoring.scoring_page": staff_only("admin"),
    "admin_scoring.change": staff_only("admin"),  # the empty body sent is refused: no month
    "admin_checklists.checklists_page": staff_only("admin"),
    "admin_checklists.change": staff_only("admin"),  # the empty body sent is refused: no kind
    # categories, the holiday calendar and the county's settings (issue #20 parts 3 and 5); the empty
    # bodies sent are refused after the check (no code, no year, no day, no version)
    "admin_categories.list_page": staff_only("admin"),
    "admin_categories.new_page": staff_only("admin"),
    "admin_categories.create": staff_only("admin"),
    "admin_categories.edit_page": staff_only("admin"),
    "admin_categories.save": staff_only("admin"),
    "admin_categories.retire": staff_only("admin"),
    "admin_categories.reinstate": staff_only("admin"),
    "admin_holidays.calendar_page": staff_only("admin"),
    "admin_holidays.load": staff_only("admin"),
    "admin_holidays.set_day": staff_only("admin"),
    "admin_holidays.confirm_remove": staff_only("admin"),
    "admin_holidays.remove": staff_only("admin"),
    "admin_county.settings_page": staff_only("admin"),
    "admin_county.save": staff_only("admin"),
    # data in the browser and the background jobs (issue #20 part 6); an empty form is refused
    "admin_data.data_page": staff_only("admin"),
    "admin_data.upload": staff_only("admin"),  # no file: refused, nothing kept
    "admin_data.preview_page": staff_only("admin"),
    "admin_data.preview_map": staff_only("admin"),
    "admin_data.import_upload": staff_only("admin"),  # no such upload: a 404
    "admin_jobs.jobs_page": staff_only("admin"),
    "admin_jobs.start_job": staff_only("admin"),  # no job named: refused, nothing started
    "admin_jobs.job_page": staff_only("admin"),
    "admin_jobs.job_json": staff_only("admin"),
    "admin_export.export_page": staff_only("admin"),
    "admin_export.export_download": staff_only("admin"),  # the county's GeoPackage, recorded as an export
    # the inbox: everyone signed in has one (unit staff share their unit's; a unit staff key reads it)
    "inbox.inbox_page": signed_in(),
    "inbox.mark_read": signed_in(),  # a row that is not the caller's is a 404, as one that is not there
    "inbox.mark_all_read": signed_in(),
    "inbox_api.list_inbox": signed_in(keys=True),
    "inbox_api.mark_read": signed_in(keys=True),
}


# -- the county, its callers, and their clients --------------------------------------------------
@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """One app for the module: the test county, a user per role and unit, a key per role and unit,
    a 待派发 case of U01 with a photo; a client per principal with its CSRF token."""
    folder = tmp_path_factory.mktemp("matrix")
    app = create_app({"database_url": f"sqlite:///{folder / 't.sqlite'}", "instance_path": str(folder),
                      "testing": True, "seed_demo_on_start": False, "default_county": COUNTY_CODE})  # fmt: skip
    keys, params = {}, dict(PARAMS)
    with app.app_context():
        store = get_store()
        store.migrate()
        ids = build_county(store)
        county, units = ids["county"], {u.code: u for u in ids["units"]}
        for p in PRINCIPALS.values():
            if p.kind == "session" and p.user != "leader1":
                unit_id = units[p.unit].id if p.unit else None
                user = User(
                    p.user, generate_password_hash(PASSWORD), p.role, county.id, unit_id, panel=p.panel
                )
                store.add_user(user)
            elif p.kind == "key":
                keys[p.name] = issue_key(store, f"{p.name} 对接", p.role, units.get(p.unit))[1]
        store.add_incidents([Incident(county.id, "parking", Point(114.0051, 22.5051), datetime.now(UTC),
                                      unit_id=units[OWN_UNIT].id, description="U01 待派发")])  # fmt: skip
        (case,) = store.list_incidents(county.id, None, unit_id=units[OWN_UNIT].id)
        photo = photos.save_photo(
            store, folder / "media", case, photos.read_upload(jpeg_bytes()), "cg", case.reported_at
        )
    params.update(
        incident_id=case.id, rid=case.id, segment_id=ids["segments"][0].id, target_id=ids["segments"][0].id,
        zone_id=ids["zones"][0].id, code="U01", name=photo.name, segment=ids["segments"][0].id,
    )  # fmt: skip
    clients = {name: _client(app, p, keys.get(name)) for name, p in PRINCIPALS.items()}
    return app, clients, params


def _client(app, p: Principal, key: str | None):
    """A test client for ``p``: signed in for a session; the headers it sends on every request."""
    client = app.test_client()
    if p.kind == "session":
        assert login(client, p.user, PASSWORD).status_code == 302, p.user
    page = client.get("/reports/new").text  # any page: its CSRF token is the (anonymous) session's
    headers = {"X-CSRFToken": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}
    if key:
        headers["X-API-Key"] = key
    return client, headers


# -- the checks ---------------------------------------------------------------------------------
def _routes(app) -> list[tuple[object, str]]:
    """(rule, method) for every route but ``static``, HEAD and OPTIONS; RUN_LAST at the end."""
    pairs = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(pairs, key=lambda rm: (rm[0].endpoint in RUN_LAST, rm[0].rule, rm[1]))


def _expected(endpoint: str, method: str) -> dict[str, str]:
    line = EXPECTED[endpoint]
    return line["methods"][method] if "methods" in line else line


def _url(rule, params: dict) -> str:
    own = {**params, **PARAMS_OF.get(rule.endpoint, {})}
    missing = sorted(set(rule.arguments) - set(own))
    assert not missing, f"{rule.endpoint}: no value for URL parameter(s) {missing}: add them to PARAMS"
    _, path = rule.build({k: own[k] for k in rule.arguments}, append_unknown=False)
    return path + REQUESTS.get(rule.endpoint, {}).get("query", "")


def outcome(path: str, answer) -> str:
    """The class of an answer (see the module's docstring)."""
    status = answer.status_code
    api = path.startswith(("/api/", "/tiles/", "/open311/"))
    if status >= 500:
        return f"error {status}"
    if status == 401:
        return LOGIN if api else "401 from a page (should be a 302 to /login)"
    if status in (301, 302, 303, 307, 308):
        target = urlparse(answer.headers.get("Location", ""))
        if target.path == "/login" and "next=" in target.query:
            return "302 to /login from an API (should be a 401)" if api else LOGIN
    if status == 403:
        return FORBIDDEN
    return OK


def test_every_route_has_a_line_in_the_table(matrix):
    app, _, _ = matrix
    endpoints = {rule.endpoint for rule, _ in _routes(app)}
    missing = sorted(endpoints - set(EXPECTED))
    assert not missing, f"routes without an expected answer in EXPECTED: {', '.join(missing)}"
    stale = sorted(set(EXPECTED) - endpoints)
    assert not stale, f"lines in EXPECTED for routes that do not exist: {', '.join(stale)}"
    for rule, method in _routes(app):
        line = EXPECTED[rule.endpoint]
        if "methods" in line:
            assert method in line["methods"], f"{rule.endpoint}: no expectation for {method}"
        expected = _expected(rule.endpoint, method)
        assert set(expected) == set(PRINCIPALS), f"{rule.endpoint}: not every principal has an answer"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_route_answers_each_caller_as_the_table_says(matrix, principal):
    app, clients, params = matrix
    client, headers = clients[principal]
    wrong = []
    for rule, method in _routes(app):
        if rule.endpoint not in EXPECTED:
            continue  # named by test_every_route_has_a_line_in_the_table
        path = _url(rule, params)
        kwargs = {"json": REQUESTS.get(rule.endpoint, {}).get("json", {})} if method != "GET" else {}
        answer = client.open(path, method=method, headers=headers, **kwargs)
        got, expected = outcome(path, answer), _expected(rule.endpoint, method)[principal]
        if got != expected:
            wrong.append(
                f"{method} {path} ({rule.endpoint}): expected {expected}, got {answer.status_code} {got}"
            )
    assert not wrong, f"as {principal}:\n" + "\n".join(wrong)


def test_the_county_did_not_change(matrix):
    """The bodies were refused after the permission checks: no case moved, none was filed."""
    app, _, params = matrix
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        assert store.count_incidents(county.id) == 36
        assert store.get_incident(county.id, params["incident_id"]).status == "filed"
        assert store.incident_events(county.id, params["incident_id"]) == []


def test_a_session_write_without_the_csrf_token_is_refused(matrix):
    app, _, params = matrix
    leader = app.test_client()
    login(leader, "leader1", PASSWORD)
    case = params["incident_id"]
    for path, body in (
        ("/api/v1/postings", {}),
        (f"/api/v1/incidents/{case}/actions", {"action": "dispatch", "unit": "U01"}),
        ("/api/v1/tiers", {}),
        ("/logout", {}),
    ):
        answer = leader.post(path, json=body)
        assert answer.status_code == 400 and "安全令牌" in answer.text, (path, answer.status_code)
    assert leader.get("/portal").status_code == 200  # still signed in: the logout was refused too
    with app.app_context():
        store = get_store()
        assert store.get_incident(store.get_county(COUNTY_CODE).id, case).status == "filed"
