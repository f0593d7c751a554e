"""Warnings inbox, warning detail (evidence and timeline) and the actions on a warning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action
from models.core.db import transaction
from models.notify.deliveries import deliveries_for_warning
from models.warnings.actions import allowed
from models.warnings.evidence import body_holders, occupants, post_holders, same_person_records
from models.warnings.query import (
    LIVE,
    STATUS_LABELS,
    TimelineEvent,
    WarningFilter,
    WarningRow,
    count_warnings,
    get_warning,
    list_warnings,
    readers,
    record_read,
    timeline,
)
from models.warnings.rules.base import SEVERITIES
from models.warnings.rules.catalogue import CATALOGUE
from portal.auth import requires
from portal.context import actor, page_number, today
from portal.flash import flash
from portal.keys import ACCOUNT, RUNTIME, SCOPE, SETTINGS
from portal.present import evidence_rows
from portal.render import render

PAGE_SIZE = 30
ACTIONS = ("acknowledge", "snooze", "unsnooze", "dispute", "accept")
HOLDER_KINDS = {"unit.chief": "unit_chief", "unit.deputy": "unit_deputy", "internal.chief": "internal_chief",
                "internal.deputy": "internal_deputy"}


def filters_from(query: Any) -> WarningFilter:
    unit = query.get("unit", "")
    return WarningFilter(rule=query.get("rule") or None, severity=query.get("severity") or None,
                         unit_id=int(unit) if unit.isdigit() else None, status=query.get("status") or None,
                         overdue=query.get("overdue") == "1", read=query.get("read") == "1")


@requires(Action.VIEW_DATA)
async def inbox(request: web.Request) -> web.StreamResponse:
    filters, page, day = filters_from(request.query), page_number(request), today(request)
    async with request.app[RUNTIME].sessions() as session:
        rows = await list_warnings(session, scope=request[SCOPE], filters=filters, today=day,
                                   limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        total = await count_warnings(session, scope=request[SCOPE], filters=filters, today=day)
    context = {"rows": rows[:PAGE_SIZE], "more": len(rows) > PAGE_SIZE, "page": page, "total": total,
               "f": filters, "query": dict(request.query), "rules": CATALOGUE, "severities": SEVERITIES,
               "statuses": STATUS_LABELS}
    return render(request, "warnings/inbox.html", context, partial="warnings/_rows.html")


async def load_warning(request: web.Request) -> WarningRow:
    """The warning of the path, or 404 when it does not exist or lies outside the reader's scope."""
    async with request.app[RUNTIME].sessions() as session:
        warning = await get_warning(session, scope=request[SCOPE], warning_id=int(request.match_info["warning_id"]),
                                    today=today(request))
    if warning is None:
        raise web.HTTPNotFound()
    return warning


@requires(Action.VIEW_DATA)
async def detail(request: web.Request) -> web.StreamResponse:
    warning = await load_warning(request)
    if request.query.get("via") == "chat":  # a digest link: the login proves a person, not a link prefetcher
        async with transaction(request.app[RUNTIME].sessions) as session:
            await record_read(session, warning_id=warning.id, login=actor(request).login)
    async with request.app[RUNTIME].sessions() as session:
        events = await timeline(session, warning_id=warning.id)
        records = await _records(session, warning)
        notices = await _notices(session, warning.id)
    role = request[ACCOUNT].role  # type: ignore[union-attr]
    can = {action: allowed(action, role, warning.status) for action in ACTIONS}
    can["decide"] = can.pop("accept")
    context = {"w": warning, "rule": CATALOGUE.get(warning.rule_code), "events": events, "records": records,
               "evidence": evidence_rows(warning.evidence), "can": can, "error": flash(request),
               "severities": SEVERITIES, "today": today(request), "explanation": _latest_dispute(events),
               "snooze_limit": today(request) + timedelta(days=request.app[SETTINGS].snooze_max_days),
               **notices, "read_open": bool(notices["read_by"]) and warning.status in LIVE}
    return render(request, "warnings/detail.html", context)


def _latest_dispute(events: list[TimelineEvent]) -> TimelineEvent | None:
    """The 情况说明 the reviewer decides on: the newest one."""
    return next((e for e in reversed(events) if e.kind == "disputed"), None)


async def _notices(session: AsyncSession, warning_id: int) -> dict[str, Any]:
    """The warning's deliveries (通知记录) and who opened it from a chat message (已读)."""
    return {"deliveries": await deliveries_for_warning(session, warning_id=warning_id), "show_target": True,
            "read_by": await readers(session, warning_id=warning_id)}


async def _records(session: AsyncSession, warning: WarningRow) -> dict[str, Any]:
    code, evidence = warning.rule_code, warning.evidence
    if code in ("C1_OVER_QUOTA", "C2_AT_QUOTA", "C3_VACANCY"):
        return {"occupants": await occupants(session, unit_id=warning.unit_id, est_type=evidence["type"])}
    if code == "C5_OVER_POSTS":
        kind = HOLDER_KINDS[evidence["post"]]
        return {"occupants": await post_holders(session, unit_id=warning.unit_id, leader_kind=kind)}
    if code == "C5_BODY_OVER_POSTS" and "body_id" in evidence:
        return {"occupants": await body_holders(session, body_id=evidence["body_id"], rank=evidence["rank"])}
    if code == "A6_DUPLICATE" and warning.person_id:
        return {"same_person": await same_person_records(session, person_id=warning.person_id)}
    return {}
