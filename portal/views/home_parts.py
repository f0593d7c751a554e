"""The home page's own parts (首页): to-do counts, lock status and tips, each linking to its page,
and the colour dots of listed units. ``portal.views.units.home`` renders them with the unit list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, can
from models.colours.query import ColourView, latest_colours
from models.home.status import checks_due, locked_in_scope
from models.home.tips import Tip, appoint_doc_tip, items_due_tip, retire_tip, tasks_due_tip, workdays_to_month_end
from models.locks.query import active_locks
from models.scores.query import latest_lists
from models.staffing.scope import Scope
from portal.context import actor, today
from portal.keys import RUNTIME, SCOPE

SELF_CHECK_LINK = "/selfcheck"


def own_units(scope: Scope) -> tuple[int, ...]:
    """The units a reader keeps alone (a steward's): listed units, no subtree, not everything."""
    return () if scope.everything or scope.subtrees else scope.units


async def colour_dots(session: AsyncSession, unit_ids: Iterable[int]) -> dict[int, ColourView]:
    return await latest_colours(session, unit_ids=list(unit_ids))


async def home_parts(request: web.Request, session: AsyncSession) -> dict[str, Any]:
    """Everything above the unit list: the reader's to-dos, locks, tips and the latest published
    red/black list (the same on every home page)."""
    scope, day, settings = request[SCOPE], today(request), request.app[RUNTIME].settings
    mine = own_units(scope)
    due = await checks_due(session, unit_ids=mine, month=f"{day:%Y-%m}", required=settings.selfcheck_min_per_month)
    locks = list((await active_locks(session, unit_ids=mine)).values()) if mine else []
    locked = 0 if mine else await locked_in_scope(session, scope=scope)
    tips = await _tips(request, session, due_soon=bool(due) and await workdays_to_month_end(session, today=day) <= 3)
    return {"checks_due": due, "my_locks": locks, "locked_units": locked, "tips": tips,
            "self_check_link": SELF_CHECK_LINK, "score_lists": await latest_lists(session)}


async def _tips(request: web.Request, session: AsyncSession, *, due_soon: bool) -> list[Tip]:
    scope, day, who = request[SCOPE], today(request), actor(request)
    found = [Tip("本月自查将于 3 个工作日内截止，请尽快完成", SELF_CHECK_LINK, True) if due_soon else None,
             await retire_tip(session, scope=scope),
             await appoint_doc_tip(session, scope=scope, today=day,
                                   days=request.app[RUNTIME].settings.tip_appoint_doc_days),
             await items_due_tip(session, login=who.login, scope=scope, today=day)
             if can(who.role, Action.DECIDE_ITEM) else None,
             await tasks_due_tip(session, scope=scope, today=day)]
    return [t for t in found if t is not None]
