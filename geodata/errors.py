"""Errors that carry their HTTP status and a machine code, so the web layer never parses an
exception's text, and their message in both languages: ``message`` in Chinese (the CLI's and the
log's), ``en`` in English for English pages and API callers who ask for it (issue #17)."""


class PortalError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str, *, en: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.en = en
        self.details = details

    def text(self, lang: str) -> str:
        """The message in ``lang`` ('zh' | 'en'); Chinese where no English was given."""
        return self.en if lang == "en" and self.en else self.message


class InvalidInput(PortalError):
    status = 400
    code = "invalid_input"


class InvalidGeometry(InvalidInput):
    status = 422
    code = "invalid_geometry"


class TilingError(InvalidGeometry):
    """Redrawn zone outlines that would overlap their neighbours, leave a gap or leave their
    parent; ``problems`` lists each (zone, neighbour or parent, m², where)."""

    code = "tiling"


class EmptySelection(InvalidInput):
    """A drawn selection that catches no target."""

    code = "empty_selection"


class InvalidFile(InvalidInput):
    status = 400
    code = "invalid_file"


class Unauthorized(PortalError):
    status = 401
    code = "unauthorized"


class Forbidden(PortalError):
    status = 403
    code = "forbidden"


class NotFound(PortalError):
    status = 404
    code = "not_found"


class Conflict(PortalError):
    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    """A change built on versions of targets that changed since; ``stale`` lists what changed."""

    code = "stale_version"


class ConfigError(PortalError):
    """A setting is wrong or the database cannot be reached; the portal refuses to start."""

    code = "config"


class RateLimited(PortalError):
    """Too many requests from one sender; ``retry_after`` seconds until the next is accepted."""

    status = 429
    code = "rate_limited"


class Busy(PortalError):
    """The database stayed locked (or the connection pool empty) past the wait allowed: the client
    should try again in ``retry_after`` seconds. Never a 500."""

    status = 503
    code = "busy"


RETRY_AFTER_S = 2
# PostgreSQL's answers for "try again": lock_not_available, serialization_failure, deadlock_detected,
# query_canceled (a lock_timeout or statement_timeout).
_PG_RETRY_STATES = {"55P03", "40001", "40P01", "57014"}
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def busy_error(exc: BaseException) -> Busy | None:
    """A Busy for an exception that says the database is busy (SQLite's "database is locked",
    PostgreSQL's lock and serialization failures, the pool's timeout), else None. Reads the
    error's code and class, never its text."""
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
        busy = code in (_SQLITE_BUSY, _SQLITE_LOCKED)
    else:
        kind = type(exc)
        module = kind.__module__ or ""
        busy = (module.startswith("psycopg_pool") and kind.__name__ == "PoolTimeout") or (
            module.startswith("psycopg") and getattr(exc, "sqlstate", None) in _PG_RETRY_STATES
        )
    if not busy:
        return None
    return Busy(
        f"数据库正忙，请 {RETRY_AFTER_S} 秒后重试",
        en=f"The database is busy; please try again in {RETRY_AFTER_S} seconds",
        retry_after=RETRY_AFTER_S,
    )
