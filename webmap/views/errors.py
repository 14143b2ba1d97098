"""One error handler: JSON under the machine APIs, a Chinese page for people elsewhere."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from geodata.errors import Busy, PortalError, busy_error

JSON_PREFIXES = ("/api/", "/open311/", "/ogcapi/", "/tiles/")
# What an error's JSON may carry.
ERROR_DETAILS = ("field", "status", "allowed", "retry_after", "stale", "problems")

TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "数据冲突",
    413: "上传内容过大",
    422: "数据无效",
    429: "操作过于频繁",
    500: "服务器出错",
    503: "系统繁忙",
}

# What a person is told about a plain HTTP error (werkzeug's own texts are English).
PAGE_MESSAGES = {
    400: "请求有误，请返回上一页重试。",
    403: "您没有权限访问该页面。",
    404: "您访问的页面不存在，请检查地址。",
    405: "该页面不支持这种请求方式。",
    500: "请稍后重试。",
}


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
        return exc.status, exc.code, exc.message
    if isinstance(exc, CSRFError):
        return 400, "csrf_failed", "表单已过期或缺少安全令牌，请刷新页面后重试。"
    if isinstance(exc, HTTPException) and exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return 413, "too_large", f"上传内容过大：最大 {limit / 1048576:.0f} MB"
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
        message = "internal error" if request.path.startswith(JSON_PREFIXES) else "请稍后重试。"
    headers = {}
    if isinstance(exc, PortalError) and "retry_after" in exc.details:
        headers["Retry-After"] = str(exc.details["retry_after"])
    if request.path.startswith(JSON_PREFIXES):
        error = {"code": code, "message": message}
        if isinstance(exc, PortalError) and (status < 500 or busy):
            error.update({k: v for k, v in exc.details.items() if k in ERROR_DETAILS})
        return jsonify(error=error), status, headers
    if isinstance(exc, HTTPException) and not isinstance(exc, CSRFError):
        message = PAGE_MESSAGES.get(status, message)
    title = TITLES.get(status, "出错了")
    return render_template("errors/error.html", status=status, title=title, message=message), status, headers
