"""One error handler: JSON under the machine APIs, a page for people elsewhere (in their language)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from geodata.errors import Busy, PortalError, busy_error
from webmap.i18n import message_of, t

JSON_PREFIXES = ("/api/", "/open311/", "/ogcapi/", "/tiles/")
# What an error's JSON may carry.
ERROR_DETAILS = ("field", "status", "allowed", "retry_after", "stale", "problems")

# The statuses with a title of their own (webmap/texts/staff.py error.<status>), and those whose
# plain HTTP error gets a sentence for a person (error.page.<status>; werkzeug's texts are English).
TITLED = (400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503)
EXPLAINED = (400, 403, 404, 405, 500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(PortalError, handle_error)
    app.register_error_handler(HTTPException, handle_error)
    app.register_error_handler(Exception, handle_unexpected)


def handle_unexpected(exc: Exception):
    """A busy database is a 503 with Retry-After; anything else goes on to Flask's own handling
    (logged, and a clean 500 from ``handle_error`` for the 500 it makes)."""
    busy = busy_error(exc)
    if busy is None:
        raise exc
    current_app.logger.warning("busy: %s: %s", type(exc).__name__, exc)
    return handle_error(busy)


def describe(exc: Exception) -> tuple[int, str, str]:
    """(HTTP status, machine code, message) of an error, read from its class, never its text."""
    if isinstance(exc, PortalError):
        return exc.status, exc.code, message_of(exc)
    if isinstance(exc, CSRFError):
        return 400, "csrf_failed", t("error.csrf")
    if isinstance(exc, HTTPException) and exc.code == 413:
        limit = request.max_content_length or 0  # this request's: an upload of data may be larger
        return 413, "too_large", t("error.too_large", mb=f"{limit / 1048576:.0f}")
    if isinstance(exc, HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_").replace("'", "")
        return exc.code or 500, code, exc.description or exc.name
    return 500, "error", "internal error"


def handle_error(exc: Exception):
    status, code, message = describe(exc)
    busy = isinstance(exc, Busy)  # a 503 to try again: no crash to hide or to log
    if status >= 500 and isinstance(exc, PortalError) and not busy:
        current_app.logger.error("%s: %s", type(exc).__name__, exc.message, exc_info=exc)
    if status >= 500 and not busy:
        # The details of a crash are for the log, not for whoever caused it.
        message = "internal error" if request.path.startswith(JSON_PREFIXES) else t("error.page.500")
    headers = {}
    if isinstance(exc, PortalError) and "retry_after" in exc.details:
        headers["Retry-After"] = str(exc.details["retry_after"])
    if request.path.startswith(JSON_PREFIXES):
        error = {"code": code, "message": message}
        if isinstance(exc, PortalError) and (status < 500 or busy):
            error.update({k: v for k, v in exc.details.items() if k in ERROR_DETAILS})
        return jsonify(error=error), status, headers
    if isinstance(exc, HTTPException) and not isinstance(exc, CSRFError) and status in EXPLAINED:
        message = t(f"error.page.{status}")
    title = t(f"error.{status}") if status in TITLED else t("error.title")
    return render_template("errors/error.html", status=status, title=title, message=message), status, headers
