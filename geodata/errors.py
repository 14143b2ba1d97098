"""Errors that carry their HTTP status, so the web layer never parses an exception's text."""


class PortalError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


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
