"""A restricted steward (one of their units is locked at month end, ``models.locks``) may do exactly
two things: read their data (GET pages of ``VIEW_DATA``) and file a 解锁申请 (the ``unlock`` item
form). Every other page, form, HTMX request and action link answers the same Chinese page saying
why, for which month, and whom to ask: never a 500, never a silent redirect.
"""

from __future__ import annotations

from aiohttp import web

from models.accounts.permissions import Action
from models.locks.query import Contact, LockView, contacts_for
from portal.keys import RESTRICTION, RUNTIME
from portal.render import render

READING = {"GET", "HEAD"}
UNLOCK_KIND = "unlock"


def restriction_of(request: web.Request) -> list[LockView]:
    return request.get(RESTRICTION) or []


def may_while_restricted(request: web.Request, action: Action) -> bool:
    if action == Action.VIEW_DATA and request.method in READING:
        return True
    return action == Action.SUBMIT_ITEM and request.match_info.get("kind") == UNLOCK_KIND


async def contacts(request: web.Request, locks: list[LockView]) -> list[Contact]:
    async with request.app[RUNTIME].sessions() as session:
        found: dict[str, Contact] = {}
        for lock in locks:
            found |= {c.name: c for c in await contacts_for(session, unit_id=lock.unit_id)}
    return list(found.values())


async def restricted_page(request: web.Request, *, status: int = 403) -> web.Response:
    """Why the account is restricted, what it may still do, and whom to contact."""
    locks = restriction_of(request)
    return render(request, "locks/restricted.html", {"locks": locks, "contacts": await contacts(request, locks),
                                                     "refused": status != 200}, status=status)
