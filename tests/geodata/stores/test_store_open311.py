"""The store's part of Open311 (both backends): the steps of public cases in a window, in a stable
order for paging, and cases picked by the time of their last step."""

from __future__ import annotations

from datetime import timedelta

from shapely.geometry import Point

from geodata.model import Incident, IncidentEvent
from tests.support.contract import T0

HOUR = timedelta(hours=1)


def _cases(store, county, categories) -> list[int]:
    store.add_incidents([Incident(county.id, c, Point(114.004, 22.504), T0) for c in categories])
    return [i.id for i in store.list_incidents(county.id)]


def test_public_case_events_in_a_window_oldest_first_and_paged(store, world, county):
    parking, internal, posters = _cases(store, county, ("parking", "staff_conduct", "posters"))
    store.add_incident_events([
        IncidentEvent(county.id, parking, T0 + HOUR, "系统", "dispatched"),
        IncidentEvent(county.id, posters, T0 + HOUR, "系统", "dispatched"),  # the same instant: by id
        IncidentEvent(county.id, internal, T0 + 2 * HOUR, "系统", "dispatched"),
        IncidentEvent(county.id, parking, T0 + 3 * HOUR, "cg1", "handled", "dispatched", "内部备注"),
        IncidentEvent(county.id, posters, T0 + 5 * HOUR, "leader1", "closed", "handled"),
    ])  # fmt: skip
    found = store.public_case_events(county.id, T0, T0 + 5 * HOUR, 10)
    assert [(e.incident_id, e.to_status) for e in found] == [
        (parking, "dispatched"),
        (posters, "dispatched"),
        (parking, "handled"),
    ]  # the internal case's step is out, and the end of the window too
    assert found[2].note == "内部备注" and found[0].id < found[1].id  # what is shown is the view's to choose
    pages = [store.public_case_events(county.id, T0, T0 + 6 * HOUR, 2, offset) for offset in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 0]
    assert [e.id for p in pages for e in p] == [
        e.id for e in store.public_case_events(county.id, T0, T0 + 6 * HOUR, 9)
    ]
    assert store.public_case_events(county.id, T0 + 4 * HOUR, T0 + 6 * HOUR, 10)[0].to_status == "closed"


def test_incidents_picked_by_their_last_step(store, world, county):
    quiet, busy = _cases(store, county, ("parking", "parking"))
    store.add_incident_events([
        IncidentEvent(county.id, busy, T0 + HOUR, "系统", "dispatched"),
        IncidentEvent(county.id, busy, T0 + 4 * HOUR, "cg1", "handled", "dispatched"),
    ])  # fmt: skip
    ids = lambda **f: [i.id for i in store.list_incidents(county.id, **f)]  # noqa: E731
    assert ids(updated_since=T0 + 2 * HOUR) == [busy]
    assert ids(updated_since=T0 + 4 * HOUR) == [busy]  # since is inclusive
    assert ids(updated_until=T0 + 4 * HOUR) == [quiet]  # until is not; a case without steps: its report
    assert ids(updated_since=T0, updated_until=T0 + HOUR) == [quiet]
    assert store.count_incidents(county.id, updated_since=T0 + 5 * HOUR) == 0
