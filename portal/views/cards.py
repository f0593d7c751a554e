"""逐条处理: walking the warnings of one card on a phone, one at a time, with progress.

The card is the outbox row a chat message came from; its ``listed`` warnings are walked in the
order the card had them, limited to what the reader's scope shows. Acting on an item posts to
the ordinary warning actions with ``next`` pointing back here, at the following item.
"""

from __future__ import annotations

from aiohttp import web

from models.accounts.permissions import Action
from models.notify.cards import card
from models.warnings.actions import allowed
from models.warnings.query import warnings_by_ids
from portal.auth import requires
from portal.context import actor, today
from portal.keys import RUNTIME, SCOPE
from portal.render import render


@requires(Action.VIEW_DATA)
async def walk(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        found = await card(session, key=request.match_info["key"])
        rows = await warnings_by_ids(session, scope=request[SCOPE], ids=found.listed if found else [],
                                     today=today(request))
    if found is None or not rows:
        raise web.HTTPNotFound()
    index = _index(request.query.get("i", ""), len(rows))
    current, role = rows[index], actor(request).role
    return render(request, "cards/walk.html", {
        "card": found, "rows": rows, "w": current, "i": index, "total": len(rows),
        "handled": sum(1 for r in rows if r.status != "open"),
        "can_ack": allowed("acknowledge", role, current.status),
        "can_dispute": allowed("dispute", role, current.status)})


def _index(raw: str, total: int) -> int:
    return min(int(raw), total - 1) if raw.isdigit() and len(raw) < 6 else 0
