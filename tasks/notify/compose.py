"""Composing due digest groups into outbox rows, in one transaction with the state they clear."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import registry
from bot.digest import Digest, Item, digest_message, ordered_items
from models.core.calendar import load_calendar
from models.core.db import saved_id, transaction, utcnow
from models.core.runtime import Runtime
from models.core.workdays import WorkCalendar
from models.notify.digests import group_states, keep_composed, unit_names
from models.notify.prefs import all_prefs
from models.notify.tables import DigestState, Outbox, Target
from tasks.notify.cards import card_payload, link_maker
from tasks.notify.items import items_by_unit, items_in_scope
from tasks.notify.timing import change_due, held, repeat_due


async def compose_due(rt: Runtime, now: datetime | None = None) -> list[int]:
    """Write an outbox row for every group that is due now; returns the new outbox ids."""
    now = now or utcnow()
    tz = ZoneInfo(rt.settings.tz)
    async with transaction(rt.sessions) as session:
        calendar = await load_calendar(session)
        due = await _due_groups(session, now, tz, calendar)
        unit_ids = [uid for s, _t, _r in due if (uid := _unit_of(s)) is not None]
        per_unit = await items_by_unit(session, unit_ids, now.astimezone(tz).date(), rt.settings.public_url)
        names = await _unit_names(session, due)
        rows = [await _compose(session, rt, state, target, repeat, per_unit, names, now)
                for state, target, repeat in due]
        created = [row for row in rows if row is not None]
        await session.flush()
        return [row.id for row in created if row.id is not None]


async def _due_groups(session: AsyncSession, now: datetime, tz: ZoneInfo,
                      calendar: WorkCalendar) -> list[tuple[DigestState, Target, bool]]:
    local = now.astimezone(tz)
    pairs = await group_states(session)
    prefs = await all_prefs(session)
    due = []
    for state, target in pairs:
        changed, repeat = change_due(target, state, now), repeat_due(target, state, local, tz, calendar)
        pref = prefs.get(target.account_id) if target.account_id else None
        if (changed or repeat) and not held(target, state, local, calendar, pref):
            due.append((state, target, repeat and not changed))
    return due


def _unit_of(state: DigestState) -> int | None:
    return int(state.group_key[1:]) if state.group_key.startswith("u") else None


async def _unit_names(session: AsyncSession, due: list[tuple[DigestState, Target, bool]]) -> dict[int, str]:
    ids = {uid for s, t, _r in due for uid in (_unit_of(s), t.unit_id) if uid is not None}
    return await unit_names(session, ids=ids)


async def _compose(session: AsyncSession, rt: Runtime, state: DigestState, target: Target, repeat: bool,
                   per_unit: dict[int, list[Item]], names: dict[int, str], now: datetime) -> Outbox | None:
    today = now.astimezone(ZoneInfo(rt.settings.tz)).date()
    unit_id = _unit_of(state)
    if unit_id is not None:
        items = per_unit.get(unit_id, [])
    else:
        items = await items_in_scope(session, saved_id(target), today, only_severe=state.group_key == "s1",
                                     severe_since=state.last_sent_at, base_url=rt.settings.public_url)
    digest = _digest(state, target, items, repeat, names, rt.settings.public_url)
    _clear(state, items, now, sent=digest is not None)
    if digest is None:
        return None
    return await _outbox(session, rt, state, target, digest, now)


def _digest(state: DigestState, target: Target, items: list[Item], repeat: bool, names: dict[int, str],
            public_url: str) -> Digest | None:
    current = {i.warning_id for i in items}
    previous = set(state.last_set)
    if state.group_key == "s1":
        label = scope_label(target, names)
        return Digest(label, items, new_ids=current, link=f"{public_url}/warnings?severity=S1&via=chat",
                      urgent=True, severe=True) if items else None
    new, resolved = current - previous, len(previous - current)
    if not repeat and not new and not resolved:
        return None  # only evidence changed: nothing an officer needs to hear about
    unit_id = _unit_of(state)
    label = names.get(unit_id, "") if unit_id else scope_label(target, names)
    link = f"{public_url}/warnings?via=chat" + (f"&unit={unit_id}" if unit_id else "")
    urgent = state.urgent and any(i.severity == "S1" for i in items if i.warning_id in new)
    return Digest(label, items, new_ids=set() if repeat else new, resolved=0 if repeat else resolved,
                  repeat=repeat, link=link, urgent=urgent)


def scope_label(target: Target, names: dict[int, str]) -> str:
    """What a target covers, as its digests are titled: a unit, a unit and those below it, or all."""
    if target.unit_id is None:
        return "全部机构"
    name = names.get(target.unit_id, "")
    return f"{name}及下属单位" if target.subtree else name


def _clear(state: DigestState, items: list[Item], now: datetime, *, sent: bool) -> None:
    state.dirty, state.dirty_since, state.urgent = False, None, False
    if state.group_key != "s1":
        state.last_set = sorted(i.warning_id for i in items)
    if sent:
        state.last_sent_at, state.seq = now, state.seq + 1


async def _outbox(session: AsyncSession, rt: Runtime, state: DigestState, target: Target, digest: Digest,
                  now: datetime) -> Outbox:
    purpose = "s1" if state.group_key == "s1" else "digest"
    key = f"{purpose}-t{target.id}-{state.group_key}-{state.seq}"
    digest = replace(digest, links=link_maker(rt.settings, target, now), card=key)
    message = digest_message(digest, key=key, max_bytes=max_bytes_of(target.kind))
    row = Outbox(target_id=saved_id(target), purpose=purpose, group_key=state.group_key, title=message.title,
                 body=message.body, link=message.link, idempotency_key=key, urgent=message.urgent,
                 payload=card_payload(message, ordered_items(digest)), next_attempt_at=utcnow(),
                 warning_ids=sorted(digest.new_ids) if digest.new_ids else [i.warning_id for i in digest.items][:200])
    await keep_composed(session, row=row, state=state)
    return row


def max_bytes_of(kind: str) -> int | None:
    try:
        return registry.get(kind).max_bytes
    except Exception:  # an unknown kind fails at send time, where it is recorded
        return None
