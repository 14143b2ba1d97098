"""The outbox on both backends against real local receivers (tests/support/receivers.py): an
SMTP server and an HTTP receiver for the robots; retries with backoff, giving up, claims that
never overlap and leases that run out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geodata.cases import workflow as cases
from geodata.errors import ConfigError, InvalidInput
from geodata.notify.channels import Channels, check_webhook_url, checked_contact, parse_smtp_url
from geodata.notify.model import Recipient, UnitContact
from geodata.notify.outbox import Policy, drain_once
from tests.support.receivers import RobotReceiver, SmtpReceiver, robot_server, smtp_server

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SECRET = "SEC0123456789abcdef"
POLICY = Policy(max_tries=3, first_retry=timedelta(minutes=1), lease=timedelta(minutes=5))


@pytest.fixture
def receivers():
    smtp, robots = SmtpReceiver(), RobotReceiver(secrets={"/dingtalk": SECRET})
    with smtp_server(smtp) as smtp_url, robot_server(robots) as base:
        yield smtp, robots, Channels(parse_smtp_url(smtp_url), timeout_s=5), base


def _dispatch(store, county, base, secret=SECRET):
    police = store.get_unit_by_code(county.id, "JJ")
    store.set_unit_contact(
        county.id, police.id,
        UnitContact("duty@jj.example.cn", f"{base}/wecom?key=k1", f"{base}/dingtalk?access_token=t1", secret),
    )  # fmt: skip
    report = cases.Report("parking", 114.004, 22.5101)
    case = cases.file_report(store, county, report, cases.Actor("insp", "inspector"), now=NOW).incident
    (row,) = store.list_notifications(county.id, Recipient(unit_id=police.id))
    return case, row


def test_a_dispatched_case_reaches_the_mail_server_and_each_robot_once(store, county, receivers):
    smtp, robots, channels, base = receivers
    _, row = _dispatch(store, county, base)
    ids = {d.channel: d.message_id for d in store.deliveries_of(row.id)}
    counts = drain_once(store, channels, "w1", POLICY, now=NOW)
    assert (counts["claimed"], counts["sent"]) == (3, 3)
    assert smtp.counts() == {ids["email"]: 1}
    assert robots.counts("/wecom") == {ids["wecom"]: 1}
    assert robots.counts("/dingtalk") == {ids["dingtalk"]: 1} and robots.refused == []  # signed right
    assert {d.state for d in store.deliveries_of(row.id)} == {"sent"}
    assert all(
        d.sent_at == NOW and d.tries == 1 and d.claimed_by is None for d in store.deliveries_of(row.id)
    )
    assert drain_once(store, channels, "w1", POLICY, now=NOW + timedelta(hours=1))["claimed"] == 0


def test_a_wrong_dingtalk_secret_is_refused_by_the_robot_and_kept_to_retry(store, county, receivers):
    smtp, robots, channels, base = receivers
    _, row = _dispatch(store, county, base, secret="not-the-secret")
    drain_once(store, channels, "w1", POLICY, now=NOW)
    dingtalk = next(d for d in store.deliveries_of(row.id) if d.channel == "dingtalk")
    assert robots.refused == ["/dingtalk"] and robots.counts("/dingtalk") == {}
    assert (dingtalk.state, dingtalk.tries) == ("pending", 1) and "310000" in dingtalk.last_error


@pytest.mark.parametrize("fail", ["errcode", "500"])
def test_a_failing_robot_is_retried_with_backoff_then_marked_failed(store, county, receivers, fail):
    smtp, robots, channels, base = receivers
    _, row = _dispatch(store, county, base)
    robots.fail = fail

    def robots_rows():
        return [d for d in store.deliveries_of(row.id) if d.channel != "email"]

    drain_once(store, channels, "w1", POLICY, now=NOW)
    assert [(d.state, d.tries, d.next_at) for d in robots_rows()] == [
        ("pending", 1, NOW + timedelta(minutes=1))
    ] * 2
    assert (
        drain_once(store, channels, "w1", POLICY, now=NOW + timedelta(seconds=59))["claimed"] == 0
    )  # not yet
    drain_once(store, channels, "w1", POLICY, now=NOW + timedelta(minutes=1))
    assert [(d.state, d.tries, d.next_at) for d in robots_rows()] == [
        ("pending", 2, NOW + timedelta(minutes=3))
    ] * 2
    counts = drain_once(store, channels, "w1", POLICY, now=NOW + timedelta(minutes=3))
    assert counts["failed"] == 2
    assert [(d.state, d.tries) for d in robots_rows()] == [("failed", 3)] * 2
    assert all(("500" if fail == "500" else "45009") in d.last_error for d in robots_rows())
    failed = store.list_deliveries(county.id, state="failed")
    assert {d.channel for d in failed} == {"wecom", "dingtalk"} and store.count_deliveries(
        county.id, "failed"
    ) == 2
    assert drain_once(store, channels, "w1", POLICY, now=NOW + timedelta(days=1))["claimed"] == 0  # given up
    assert smtp.counts() and robots.counts("/wecom") == {}  # the e-mail went, the robots never took one


def test_two_claimers_never_share_a_row_and_a_lapsed_lease_is_claimed_again(store, county, receivers):
    _, _, _, base = receivers
    for _ in range(3):
        _dispatch(store, county, base)  # the same place: one case, two duplicates (no messages) …
    assert store.count_deliveries(county.id) == 3
    lease = NOW + POLICY.lease
    first = store.claim_deliveries("a", NOW, lease, 2)
    second = store.claim_deliveries("b", NOW, lease, 2)
    assert len(first) == 2 and len(second) == 1
    assert not {o.delivery.id for o in first} & {o.delivery.id for o in second}
    assert store.claim_deliveries("c", NOW + timedelta(minutes=4), lease, 10) == []  # all held
    again = store.claim_deliveries("c", lease + timedelta(seconds=1), lease + timedelta(minutes=5), 10)
    assert sorted(o.delivery.id for o in again) == sorted(o.delivery.id for o in first + second)
    # the worker whose lease lapsed cannot record its late send over the new holder's claim
    assert not store.finish_delivery(first[0].delivery.id, "a", "sent", lease)
    assert store.finish_delivery(first[0].delivery.id, "c", "sent", lease)


@pytest.mark.parametrize(
    "url, says",
    [
        ("http://mail.example.cn", "smtp:// 或 smtps://"),
        ("smtp://mail.example.cn:99999", "端口"),
        ("smtp://", "服务器"),
        ("smtp://mail.example.cn?tls=1", "tls"),
        ("smtp://u:hunter2@mail.example.cn?starttls=yes", "starttls"),
        ("smtp://mail.example.cn?from=nobody", "nobody"),
    ],
)
def test_an_smtp_url_that_does_not_parse_names_the_setting_and_hides_the_password(url, says):
    with pytest.raises(ConfigError) as refused:
        parse_smtp_url(url)
    assert "PORTAL_SMTP_URL" in refused.value.message and "PORTAL_SMTP_URL" in refused.value.en
    assert says in refused.value.message and "hunter2" not in refused.value.message + refused.value.en


def test_an_smtp_url_parses_into_its_parts():
    config = parse_smtp_url("smtp://portal%40x.cn:p%40ss@mail.x.cn:587?starttls=1")
    assert (config.host, config.port, config.user, config.password) == (
        "mail.x.cn",
        587,
        "portal@x.cn",
        "p@ss",
    )
    assert config.starttls and not config.implicit_tls and config.sender == "portal@x.cn"
    tls = parse_smtp_url("smtps://mail.x.cn?from=notice@x.cn")
    assert (tls.port, tls.implicit_tls, tls.sender, tls.user) == (465, True, "notice@x.cn", "")


@pytest.mark.parametrize(
    "url", ["ftp://robot.example/x", "javascript:alert(1)", "file:///etc/passwd", "robot"]
)
def test_a_webhook_that_is_not_http_is_refused(url):
    with pytest.raises(InvalidInput) as refused:
        check_webhook_url(url, "wecom_url")
    assert refused.value.details["field"] == "wecom_url" and "http" in refused.value.en
    with pytest.raises(InvalidInput):
        checked_contact(UnitContact(dingtalk_url=url))


def test_a_contact_is_checked_and_trimmed():
    assert checked_contact(UnitContact(" a@b.cn ", " https://x.cn/h ")) == UnitContact(
        "a@b.cn", "https://x.cn/h"
    )
    with pytest.raises(InvalidInput, match="电子邮件"):
        checked_contact(UnitContact("not-an-address"))
    with pytest.raises(InvalidInput) as refused:
        checked_contact(UnitContact(dingtalk_secret="SEC1"))
    assert refused.value.details["field"] == "dingtalk_secret"
