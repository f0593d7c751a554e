"""二人复核 notices, as effects of the request or the decision (they commit with it).

A request goes to the enabled targets of purpose ``review`` that cover the change's unit (the
编办 group, officers' own targets), except the requester's own; the decision goes to the
requester's personal targets and to the unit's own ``review`` groups, as 情况说明 verdicts do
(:mod:`tasks.notify.reviews`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.base import Message
from bot.change_notices import ChangeNotice, change_decided, change_requested
from models.accounts.permissions import Action, can
from models.accounts.store import roles_of
from models.core.decision import Actor, Effect
from models.core.settings import Settings
from models.notify.audience import TargetRef, covering_targets, personal_targets
from tasks.notify.reviews import queue_review


def notice(settings: Settings, *, unit: str, who: str | None, rows: list[tuple[str, str, str]], actor: Actor,
           text: str, change_id: int) -> ChangeNotice:
    local = datetime.now(ZoneInfo(settings.tz))
    return ChangeNotice(unit, who, tuple(rows), actor.name or "相关人员", f"{local:%Y-%m-%d %H:%M}", text.strip(),
                        f"{settings.public_url}/changes/{change_id}?via=chat")


def requested_effect(n: ChangeNotice, *, change_id: int, unit_id: int, requester: str,
                     warning_id: int | None) -> Effect:
    async def effect(session: AsyncSession) -> None:
        own = {t.id for t in await personal_targets(session, login=requester)}
        covering = await covering_targets(session, purpose="review", unit_ids=[unit_id])
        roles = await roles_of(session, account_ids={t.account_id for t in covering if t.account_id})
        # groups, and the people who may confirm: a steward's own channel is not asked to review
        targets = [t for t in covering if t.id not in own
                   and (t.account_id is None or can(roles.get(t.account_id, ""), Action.CONFIRM_CHANGE))]
        await _queue(session, targets, change_requested(n, key=f"change-ask-c{change_id}"), change_id, warning_id)
    return effect


def decided_effect(n: ChangeNotice, *, change_id: int, unit_id: int, requester: str, warning_id: int | None,
                   applied: bool) -> Effect:
    async def effect(session: AsyncSession) -> None:
        personal = await personal_targets(session, login=requester)
        covering = await covering_targets(session, purpose="review", unit_ids=[unit_id])
        mine = {t.id for t in personal}
        groups = [t for t in covering if t.unit_id == unit_id and t.id not in mine]
        message = change_decided(n, key=f"change-done-c{change_id}", applied=applied)
        await _queue(session, [*personal, *groups], message, change_id, warning_id)
    return effect


async def _queue(session: AsyncSession, targets: Sequence[TargetRef], message: Message, change_id: int,
                 warning_id: int | None) -> None:
    await queue_review(session, targets, message, group_key=f"c{change_id}",
                       warning_ids=[warning_id] if warning_id else [])
