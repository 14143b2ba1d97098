"""Caching of what is the same for everyone (the public pages and the public API).

``@public_cache`` gives a successful GET a strong ETag computed from its body and
``Cache-Control: public, max-age=60``, and answers a matching ``If-None-Match`` with 304 Not
Modified and no body. Put it under the route decorator::

    @bp.get("/c/<code>")
    @public_cache
    def community(code): ...

    @bp.get("/reports/<token>")
    @public_cache(max_age=30)
    def track(token): ...

A view under it must answer the same to everyone who asks for the URL: it must not read the
session, the signed-in user or a cookie (the language is in the URL: webmap.i18n). Errors and
redirects pass through untouched, so they are never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, make_response, request

MAX_AGE_S = 60  # a minute: a tier confirmed or a case closed shows soon enough


def public_cache(view: Callable | None = None, *, max_age: int = MAX_AGE_S):
    """Decorate a view (``@public_cache`` or ``@public_cache(max_age=...)``) as described above."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def cached(*args, **kwargs) -> Response:
            response = make_response(view(*args, **kwargs))
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                cacheable(response, max_age)
                response.make_conditional(request)
            return response

        return cached

    return decorate(view) if view is not None else decorate


def cacheable(response: Response, max_age: int = MAX_AGE_S) -> Response:
    """Mark ``response`` public for ``max_age`` seconds, with a strong ETag of its body."""
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response
