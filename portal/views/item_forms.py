"""Filing an item: the kind menu, one form per kind, the quota room shown while typing (可用 N 名).

A form starts from where the user is: 用编申请 / 入编 / 解锁 / 核职 / 任免 from a unit (or a choice of
the units in scope), 出编 from a person page, 整改销号 from a warning page. What the path or query
names (unit, person, warning) must lie in the reader's scope (404 otherwise). The kind's check
refuses with its Chinese message and figures; the form then comes back as it was typed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

import models.approvals.kinds  # noqa: F401  (registers every kind)
from models.accounts.permissions import Action, PermissionDenied
from models.approvals.engine import submit
from models.approvals.files import add_attachment
from models.approvals.kind import KINDS, Application, ItemRefused
from models.approvals.kinds.exits import REASONS
from models.approvals.outcome import ItemError, Outcome
from models.core.db import transaction
from portal.attachments import AttachmentError, checked_upload
from portal.auth import requires
from portal.context import actor, today
from portal.flash import redirect_with_message
from portal.item_forms_data import FormPlace, applications, form_context, place_of, quota_types, room_of
from portal.keys import RUNTIME, SCOPE, SETTINGS
from portal.render import render
from tasks.notify.item_notices import write_item_notices

MENU = ("use_quota", "enter", "unlock", "posts", "appoint", "exit", "rectify")
NEEDS = {"exit": "person", "rectify": "warning"}  # started from that page; the others from a unit
Refusal = (ItemError, ItemRefused, PermissionDenied, AttachmentError)


def kind_of_path(request: web.Request) -> str:
    kind = request.match_info["kind"]
    if kind not in MENU or kind not in KINDS:
        raise web.HTTPNotFound()
    return kind


@requires(Action.SUBMIT_ITEM)
async def kind_menu(request: web.Request) -> web.StreamResponse:
    kinds = [(code, KINDS[code].label, NEEDS.get(code)) for code in MENU if code in KINDS]
    return render(request, "items/new.html", {"kinds": kinds, "unit": request.query.get("unit", "")})


@requires(Action.SUBMIT_ITEM)
async def new_form(request: web.Request) -> web.StreamResponse:
    kind = kind_of_path(request)
    async with request.app[RUNTIME].sessions() as session:
        place = await place_of(session, request[SCOPE], request.query, today(request))
        context = await form_context(session, kind, place, request.query)
    if place.unit is None and len(context["units"]) == 1:  # a steward's one unit: straight to the form
        raise web.HTTPFound(f"{request.path}?unit={context['units'][0].id}")
    return render(request, "items/new_form.html", {"kind": kind, "kind_label": KINDS[kind].label, "place": place,
                                                   "v": dict(request.query), "error": None, "reasons": REASONS,
                                                   **context})


@requires(Action.SUBMIT_ITEM)
async def create(request: web.Request) -> web.StreamResponse:
    kind, form = kind_of_path(request), await request.post()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "_csrf"}
    async with request.app[RUNTIME].sessions() as session:
        place = await place_of(session, request[SCOPE], form, today(request))
    try:
        outcome = await _file(request, kind, place, form)
    except Refusal as error:
        return await _again(request, kind, place, values, str(error))
    raise redirect_with_message(request, f"/items/{outcome.item_id}", outcome.message)


async def _file(request: web.Request, kind: str, place: FormPlace, form: Any) -> Outcome:
    who, day, settings = actor(request), today(request), request.app[SETTINGS]
    async with transaction(request.app[RUNTIME].sessions) as session:
        application: Application = await applications(session, kind, place, form)
        outcome = await submit(session, application, who, today=day, scope=request[SCOPE])
        if (upload := await checked_upload(request, session, form.get("attachment"), login=who.login)) is not None:
            await add_attachment(session, item_id=outcome.item_id, upload=upload, actor=who)
        await write_item_notices(session, settings, outcome, who, today=day)
    return outcome


async def _again(request: web.Request, kind: str, place: FormPlace, values: dict[str, str],
                 error: str) -> web.Response:
    """The form as it was typed, with the refusal above the button (nothing the user typed is lost)."""
    async with request.app[RUNTIME].sessions() as session:
        context = await form_context(session, kind, place, values)
    return render(request, "items/new_form.html", {"kind": kind, "kind_label": KINDS[kind].label, "place": place,
                                                   "v": values, "error": error, "reasons": REASONS, **context},
                  status=400)


@requires(Action.SUBMIT_ITEM)
async def room(request: web.Request) -> web.StreamResponse:
    """可用 N 名 for the unit and type the form shows (HTMX, while the user picks them)."""
    async with request.app[RUNTIME].sessions() as session:
        place = await place_of(session, request[SCOPE], request.query, today(request))
        quotas = await quota_types(session, place.unit.id) if place.unit else {}
        found = await room_of(session, place.unit.id, request.query.get("est_type", ""), quotas) if place.unit else None
    return render(request, "items/_room.html", {"room": found, "quotas": quotas, "place": place})
