"""A person's record (ID and mobile masked), its change history, and the full-number view.

The full ID number or mobile is shown only as the answer to a POST with a reason, by a role that
may (:data:`Action.VIEW_FULL_ID`), audited before it is shown; it is never put in a URL, and the
page is not stored by the browser (``Cache-Control: no-store`` on every logged-in page).
"""

from __future__ import annotations

from aiohttp import web

from models.accounts.names import event_actor_names
from models.accounts.permissions import Action, can
from models.accounts.reveal import Revealed, RevealRefused, reveal_person_field
from models.core.db import transaction
from models.staffing.person_detail import person_history, person_in_scope
from portal.auth import requires
from portal.context import actor
from portal.keys import RUNTIME, SCOPE
from portal.render import render


@requires(Action.VIEW_DATA)
async def person_detail(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@requires(Action.VIEW_FULL_ID)
async def person_reveal(request: web.Request) -> web.StreamResponse:
    form, rt = await request.post(), request.app[RUNTIME]
    try:
        async with transaction(rt.sessions) as session:
            revealed = await reveal_person_field(
                session, rt.cipher, who=actor(request), scope=request[SCOPE], person_id=_person_id(request),
                field=str(form.get("field", "id")), reason=str(form.get("reason", "")))
    except RevealRefused as error:
        return await _page(request, error=str(error), status=400)
    if revealed is None:
        raise web.HTTPNotFound()
    return await _page(request, revealed=revealed)


def _person_id(request: web.Request) -> int:
    return int(request.match_info["person_id"])


async def _page(request: web.Request, *, revealed: Revealed | None = None, error: str | None = None,
                status: int = 200) -> web.Response:
    person_id = _person_id(request)
    async with request.app[RUNTIME].sessions() as session:
        person = await person_in_scope(session, scope=request[SCOPE], person_id=person_id)
        if person is None:
            raise web.HTTPNotFound()
        names = await event_actor_names(session, person_id=person_id)
        history = await person_history(session, person_id=person_id, actor_names=names)
    context = {"p": person, "history": history, "revealed": revealed, "error": error,
               "may_reveal": can(actor(request).role, Action.VIEW_FULL_ID)}
    return render(request, "persons/detail.html", context, status=status)
