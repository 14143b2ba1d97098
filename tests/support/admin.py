"""What the tests of the administration's form pages share (/admin/categories, /admin/holidays,
/admin/county): people of each role on the small county 测试县, signed in, and a form posted with
the CSRF token of the page it is on, as a browser posts it."""

from __future__ import annotations

import html
import re

from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.web import COUNTY_CODE, PASSWORD, csrf_token, login
from webmap import get_store

ROLES = {
    "admin1": "admin",
    "admin2": "admin",
    "leader2": "leader",
    "staff1": "unit_staff",
    "insp1": "inspector",
}


class Person:
    """A signed-in client and the CSRF token of its session."""

    def __init__(self, app, username: str):
        self.client = app.test_client()
        assert login(self.client, username, PASSWORD).status_code == 302, username
        self.token = csrf_token(self.client.get("/account/password").text)

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, **data):
        return self.client.post(url, data={"csrf_token": self.token, **data})

    def form(self, url: str, form_id: str) -> dict[str, str]:
        """The named form's fields on the page at ``url`` as the browser would send them unchanged
        (text, hidden and number inputs, selected options, ticked boxes, textareas)."""
        page = self.get(url).text
        form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S).group(0)
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", form):
            name, kind, value = (_attribute(tag, a) for a in ("name", "type", "value"))
            if name and name != "csrf_token" and (kind != "checkbox" or " checked" in tag):
                fields[name] = html.unescape(value)
        for name, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', form, re.S):
            chosen = re.search(r'<option value="([^"]*)" selected>', options)
            fields[name] = (
                chosen.group(1) if chosen else re.search(r'<option value="([^"]*)"', options).group(1)
            )
        for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
            fields[name] = html.unescape(text)
        return fields


def people(app) -> dict[str, Person]:
    """A signed-in person for each of ROLES, and ``leader1`` (whom the county already has)."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        unit = store.list_units(county.id)[0]
        for name, role in ROLES.items():
            unit_id = unit.id if role == "unit_staff" else None
            store.add_user(User(name, generate_password_hash(PASSWORD), role, county.id, unit_id))
    return {name: Person(app, name) for name in (*ROLES, "leader1")}


def _attribute(tag: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else ""
