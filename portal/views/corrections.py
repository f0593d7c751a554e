"""更正 from a warning: a phone-sized form pre-filled with exactly the fields the warning is about;
saving it answers in the same response whether the warning is resolved (see
:mod:`tasks.corrections.flow`). A form opened from a card (``via=card``) saves as 机器人, otherwise
as 门户. An action-link token (``link``) travels with the form untouched: its use is recorded by
the action-link views, not here.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from models.accounts.permissions import Action
from portal.auth import requires
from portal.context import actor, today
from portal.keys import RUNTIME, SCOPE
from portal.render import render
from portal.views.warnings import load_warning
from tasks.corrections.flow import Request, correct
from tasks.corrections.load import load_form


def _carried(request: web.Request, form: Any = None) -> dict[str, str]:
    """The values the form carries from the link it was opened with (``via``, ``link``)."""
    source = form if form is not None else request.query
    return {"via": "card" if source.get("via") == "card" else "", "link": str(source.get("link", ""))[:2000]}


@requires(Action.CORRECT_RECORD)
async def correct_form(request: web.Request) -> web.StreamResponse:
    warning = await load_warning(request)  # 404 outside the reader's scope
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        form = await load_form(session, rt.cipher, scope=request[SCOPE], warning=warning)
    return render(request, "corrections/form.html", {"f": form, "w": warning, "errors": {}, **_carried(request)})


@requires(Action.CORRECT_RECORD)
async def correct_submit(request: web.Request) -> web.StreamResponse:
    warning = await load_warning(request)
    posted = await request.post()
    form = {key: str(value) for key, value in posted.items() if isinstance(value, str)}
    carried = _carried(request, form)
    source = "bot" if carried["via"] == "card" else "portal"
    outcome = await correct(request.app[RUNTIME], Request(request[SCOPE], actor(request), source, today(request)),
                            warning, form)
    if outcome.refused:
        context = {"f": outcome.form, "w": warning, "errors": outcome.errors, **carried}
        return render(request, "corrections/form.html", context, status=400)
    return render(request, "corrections/done.html", {"o": outcome, "w": warning})
