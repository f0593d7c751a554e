"""情况说明 notices: the reviewers hear that one waits, the steward hears the decision.

Both are effects of the decision (:mod:`models.core.decision`): the outbox rows commit in the same
transaction as the 情况说明 or the verdict, and the sweeper sends them. Reviewers are the enabled
targets of purpose ``review`` that cover the unit (the 编办 group, officers' own targets), except
the explaining steward's own; the decision goes to that steward's personal targets and to the
unit's own ``review`` groups.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.base import Message
from bot.notices import ReviewNotice, review_decided, review_requested
from models.core.db import utcnow
from models.core.decision import Actor, Effect
from models.core.settings import Settings
from models.notify.audience import TargetRef, covering_targets, personal_targets
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox
from models.warnings.query import WarningRow, disputed_by


def notice(settings: Settings, warning: WarningRow, who: Actor, text: str) -> ReviewNotice:
    local = datetime.now(ZoneInfo(settings.tz))
    return ReviewNotice(warning.unit_name, warning.title, warning.who, who.name or "相关人员",
                        f"{local:%Y-%m-%d %H:%M}", text.strip(),
                        f"{settings.public_url}/warnings/{warning.id}?via=chat")


def review_requested_effect(settings: Settings, warning: WarningRow, who: Actor, text: str, *,
                            carded: Collection[str] = ()) -> Effect:
    """Ask the unit's review targets to judge a 情况说明, except the asker's own and those of the
    people in ``carded``, who already get the item's card with its buttons for the same question."""
    async def effect(session: AsyncSession) -> None:
        own = {t.id for login in (who.login, *carded) for t in await personal_targets(session, login=login)}
        covering = await covering_targets(session, purpose="review", unit_ids=[warning.unit_id])
        targets = [t for t in covering if t.id not in own]
        key = f"review-ask-w{warning.id}-v{warning.version}"
        message = review_requested(notice(settings, warning, who, text), key=key)
        await queue_review(session, targets, message, group_key=f"w{warning.id}", warning_ids=[warning.id])
    return effect


def review_decided_effect(settings: Settings, warning: WarningRow, who: Actor, note: str, *,
                          accepted: bool) -> Effect:
    async def effect(session: AsyncSession) -> None:
        steward = await disputed_by(session, warning_id=warning.id)
        personal = await personal_targets(session, login=steward) if steward else []
        covering = await covering_targets(session, purpose="review", unit_ids=[warning.unit_id])
        unit_groups = [t for t in covering if t.unit_id == warning.unit_id and not _is(t, personal)]
        targets: list[TargetRef] = [*personal, *unit_groups]
        key = f"review-done-w{warning.id}-v{warning.version}"
        message = review_decided(notice(settings, warning, who, note), key=key, accepted=accepted)
        await queue_review(session, targets, message, group_key=f"w{warning.id}", warning_ids=[warning.id])
    return effect


def _is(target: TargetRef, among: list[TargetRef]) -> bool:
    return any(t.id == target.id for t in among)


async def queue_review(session: AsyncSession, targets: Sequence[TargetRef], message: Message, *, group_key: str,
                       warning_ids: list[int]) -> None:
    """One ``review`` outbox row per target (``key-t<id>``), skipping rows a retry already wrote."""
    keys = {t.id: f"{message.idempotency_key}-t{t.id}" for t in targets}
    done = await existing_keys(session, keys=list(keys.values()))
    for target_id, key in keys.items():
        if key in done:
            continue
        await queue(session, row=Outbox(
            target_id=target_id, purpose="review", group_key=group_key, title=message.title,
            body=message.body, link=message.link, idempotency_key=key, next_attempt_at=utcnow(),
            payload={"template_params": message.template_params}, warning_ids=warning_ids))
