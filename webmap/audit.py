"""The web and command-line side of the audit log (geodata/audit.py): who is acting and from where,
``audit(...)`` for the events a view or command records itself, and a hook that records every
write request.

When writing the audit row fails (the database is down or locked), the choice is:
- a write request's generic record and an explicit record after the deed is done (a moderation
  decision, a user created) only log the failure loudly (CRITICAL on the ``portal.audit``
  logger, with the whole event, so the operator's log keeps what the table could not): the deed
  is done, and answering an error would make the client repeat it;
- an export of personal data records *before* any data leaves (``required=True``), and when that
  record cannot be written the export is refused with a 503: nothing unaudited leaves.
"""

from __future__ import annotations

import functools
import logging
import os
import pwd
from collections.abc import Callable

from flask import Flask, Response, g, request
from flask_login import current_user

from geodata import audit as audit_log
from geodata.audit import AuditEvent
from geodata.cases.public_reports import client_key
from geodata.errors import PortalError
from webmap import get_store, settings

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Signing in is recorded by the auth views themselves (success, failure, lock), with what they know.
SELF_AUDITED_ENDPOINTS = frozenset({"auth.login", "static"})

log = logging.getLogger("portal.audit")


class AuditUnavailable(PortalError):
    """The audit log cannot be written just now, so what must be audited is not done."""

    status = 503
    code = "audit_unavailable"


def request_actor_name() -> str:
    """Who sends this request: ``api:<key name>`` for an API key, the signed-in user's name, else
    ``anonymous`` (``api:?`` for a key that is not valid)."""
    from webmap.views.requests import checked_key

    key = _sent_api_key()
    if key is not None:
        try:
            return f"api:{checked_key(get_store(), key).name}"
        except PortalError:
            return "api:?"
    if current_user.is_authenticated:
        return current_user.username
    return "anonymous"


def _sent_api_key() -> str | None:
    """The API key as webmap/views/requests.py reads it, without parsing a body the view has not
    (a body too large or malformed is the view's to refuse, not the audit's to trip over)."""
    key = request.headers.get("X-API-Key") or request.args.get("api_key")
    if key is None and "form" in request.__dict__:  # the form, once parsed, is cached there
        key = request.form.get("api_key")
    return key or None


def address_hash() -> str:
    """The sender's address as the 随手拍 rate limit keeps it: a keyed hash, never the address."""
    return client_key(request.remote_addr or "", settings().secret_key)


def cli_actor() -> str:
    """``cli:<the operating-system user>`` running a command."""
    try:
        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except KeyError:  # a container's uid with no passwd entry
        return f"cli:uid{os.getuid()}"


def audit(
    action: str,
    object: str | None = None,  # noqa: A002 - the audit's own word for what was acted on
    result: str = "ok",
    required: bool = False,
    actor: str | None = None,
    **detail,
) -> AuditEvent | None:
    """Record an event for this request (actor, hashed address and time filled in); the write
    request hook then records nothing more for it. ``required``: a failure to record is raised
    (AuditUnavailable, 503) instead of logged, for what must not happen unaudited. ``actor``
    names someone else than who sends the request (the user name a failed sign-in tried)."""
    g.audited = True
    return _write(actor or _actor(), action, object, result, address_hash(), detail, required)


def audit_cli(action: str, object: str | None = None, result: str = "ok", **detail) -> AuditEvent | None:
    """Record what a command did, as ``cli:<user>`` from no address."""
    return _write(cli_actor(), action, object, result, "", detail, required=False)


# A command's parameters never recorded: a password, and a robot's secret or URL (its token is in
# the query; webmap/cli/notify.py records the URL without it).
SECRET_PARAMS = frozenset({"password", "dingtalk_secret", "wecom_url", "dingtalk_url"})


def audited_command(action: str) -> Callable:
    """Record a command's run as ``cli:<user>``: its parameters (a password never), what it put in
    ``g.audit_detail``, and whether it succeeded; a refusal is recorded, then raised as before.
    Goes under ``refusals_as_errors`` (it needs the app context)."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            params = {k: v for k, v in kwargs.items() if k not in SECRET_PARAMS and v not in (None, ())}
            try:
                answer = command(*args, **kwargs)
            except PortalError as exc:
                audit_cli(action, result="refused", params=params, error=exc.message)
                raise
            audit_cli(action, params=params, **g.get("audit_detail", {}))
            return answer

        return wrapper

    return decorate


def _write(actor, action, object, result, address, detail, required) -> AuditEvent | None:  # noqa: A002
    try:
        return audit_log.record(get_store(), actor, action, object or "", result, address, detail)
    except Exception as exc:  # noqa: BLE001 - whatever broke, the event must reach the log
        log.critical(
            "AUDIT WRITE FAILED (%s): actor=%r action=%r object=%r result=%r detail=%r",
            exc, actor, action, object, result, detail,
        )  # fmt: skip
        if required:
            raise AuditUnavailable(
                "审计日志暂时无法写入，为保证可追溯，本次操作未执行，请稍后再试",
                en="The audit log cannot be written just now; so that every action stays traceable, this one was not carried out. Please try again later",
                retry_after=30,
            ) from None
        return None


def init_audit(app: Flask) -> None:
    """Record every write request (POST, PUT, PATCH, DELETE) once it has been answered."""
    app.before_request(_remember_actor)
    app.after_request(_record_write)


def _is_audited_write() -> bool:
    return request.method in WRITE_METHODS and request.endpoint not in SELF_AUDITED_ENDPOINTS


def _remember_actor() -> None:
    """Who is acting, taken before the view runs (signing out would forget it)."""
    if _is_audited_write():
        g.audit_actor = request_actor_name()


def _actor() -> str:
    """Who was acting: as taken before the view ran, or now when it was not known then (a request
    refused before ``_remember_actor`` ran, or an API key in a form only the view read)."""
    actor = g.get("audit_actor")
    return request_actor_name() if actor in (None, "anonymous") else actor


def _record_write(response: Response) -> Response:
    """The write's endpoint, path and outcome; never its body (it may carry personal data).
    Refusals are recorded too; a failure to record is logged, never answered."""
    if not _is_audited_write() or g.get("audited"):
        return response
    status = response.status_code
    result = "ok" if status < 400 else "refused" if status < 500 else "error"
    _write(_actor(), request.endpoint or "no_route", request.path, result, address_hash(),
           {"status": status, "method": request.method}, required=False)  # fmt: skip
    return response
