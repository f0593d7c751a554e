"""One-shot messages across a redirect (flash), signed so only the product's own text is shown.

A failed action redirects back to its page with the message in a short-lived cookie signed with
the session key; the page shows it once and :func:`portal.render.render` clears it. Nothing from
the query string ever reaches an alert, so a crafted link cannot put words in the product's mouth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from aiohttp import web

from portal.keys import SETTINGS

FLASH_COOKIE = "bzops_flash"
MAX_TEXT = 300


def _sign(request: web.Request, payload: bytes) -> str:
    key = request.app[SETTINGS].secret_key.get_secret_value().encode()
    return hmac.new(key, b"flash:" + payload, hashlib.sha256).hexdigest()[:32]


def redirect_with_message(request: web.Request, location: str, text: str) -> web.HTTPSeeOther:
    """A 303 to ``location`` that shows ``text`` (the product's own message) once."""
    payload = base64.urlsafe_b64encode(text[:MAX_TEXT].encode())
    response = web.HTTPSeeOther(location)
    response.set_cookie(FLASH_COOKIE, f"{payload.decode()}.{_sign(request, payload)}", max_age=60,
                        httponly=True, samesite="Lax", path="/")
    return response


def flash(request: web.Request) -> str | None:
    """The message a redirect left for this page, if its signature holds."""
    raw = request.cookies.get(FLASH_COOKIE, "")
    payload, _, signature = raw.encode().partition(b".")
    if not payload or not hmac.compare_digest(_sign(request, payload), signature.decode()):
        return None
    try:
        return base64.urlsafe_b64decode(payload).decode()[:MAX_TEXT]
    except ValueError:
        return None
