"""A person's record (ID and mobile masked) and its change history."""

from __future__ import annotations

from aiohttp import web

from models.accounts.permissions import Action
from models.staffing.person_detail import FIELD_LABELS, person_history, person_in_scope
from models.staffing.persons import PROFILE_FIELDS
from portal.auth import requires
from portal.keys import RUNTIME, SCOPE
from portal.render import render


@requires(Action.VIEW_DATA)
async def person_detail(request: web.Request) -> web.StreamResponse:
    person_id = int(request.match_info["person_id"])
    async with request.app[RUNTIME].sessions() as session:
        person = await person_in_scope(session, scope=request[SCOPE], person_id=person_id)
        if person is None:
            raise web.HTTPNotFound()
        history = await person_history(session, person_id=person_id)
    missing = [title for name, title in PROFILE_FIELDS.items() if person.get(name) is None] if person["in_est"] else []
    return render(request, "persons/detail.html", {"p": person, "history": history, "labels": FIELD_LABELS,
                                                    "missing": missing})
