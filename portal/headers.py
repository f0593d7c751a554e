"""Security headers on every response.

Scripts come only from our own static files (HTMX), never inline; nobody may frame the portal;
browsers must not guess content types; links to other sites carry no path or query (they may hold
ids); pages of a logged-in person are never stored by the browser or a proxy (personal data).
"""

from __future__ import annotations

from aiohttp import web

from portal.auth import Handler
from portal.keys import ACCOUNT

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
          "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:  # redirects and refusals get the headers too
        _apply(request, error)
        raise
    _apply(request, response)
    return response


def _apply(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:
        return
    response.headers.update(ALWAYS)
    if request.get(ACCOUNT) is not None and not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
