"""Notices of ad-hoc tasks (任务流转), as effects of the decision that causes them (they commit with it):
a published task tells each unit; a returned or evaluated feedback tells that unit.

A unit hears through its own channels for deadlines: the enabled targets of purpose ``reminder``
bound to that very unit (its work group, its steward's own target). Channels placed higher up
(a county group covering a subtree) are not told of every unit's task: the board is theirs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.base import Message
from bot.task_notices import TaskNotice, task_evaluated, task_published, task_returned
from models.core.db import utcnow
from models.core.decision import Actor, Effect
from models.core.settings import Settings
from models.notify.audience import Covering, covering_targets
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox
from models.staffing.scope import Scope
from models.unittasks.query import TargetView, TaskView, board
from models.unittasks.vocab import grade_label

PURPOSE = "reminder"


async def unit_channels(session: AsyncSession, unit_ids: list[int]) -> dict[int, list[Covering]]:
    """{unit id: the enabled ``reminder`` targets bound to that unit}."""
    found: dict[int, list[Covering]] = defaultdict(list)
    for target in await covering_targets(session, purpose=PURPOSE, unit_ids=unit_ids):
        if target.unit_id == target.covered_unit_id:
            found[target.covered_unit_id].append(target)
    return found


def day_text(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def notice(settings: Settings, target: TargetView, actor: Actor, text: str) -> TaskNotice:
    local, link = datetime.now(ZoneInfo(settings.tz)), f"{settings.public_url}/tasks/targets/{target.id}?via=chat"
    return TaskNotice(target.unit_name, target.title, day_text(target.deadline), actor.name or "编办",
                      f"{local:%Y-%m-%d %H:%M}", text.strip(), link)


Batch = tuple[list[Covering], Message, str]  # channels, the message, its group key


async def queue_to(session: AsyncSession, batches: list[Batch]) -> None:
    """One outbox row per channel and message (``key-t<id>``), skipping rows a retry already wrote."""
    keyed = [(f"{message.idempotency_key}-t{t.id}", t.id, message, group) for channels, message, group in batches
             for t in channels]
    done = await existing_keys(session, keys=[key for key, *_ in keyed])
    for key, target_id, message, group in keyed:
        if key not in done:
            await queue(session, row=Outbox(
                target_id=target_id, purpose=PURPOSE, group_key=group, title=message.title, body=message.body,
                link=message.link, idempotency_key=key, next_attempt_at=utcnow(),
                payload={"template_params": message.template_params}))


async def tell_unit(session: AsyncSession, target: TargetView, message: Message) -> None:
    channels = (await unit_channels(session, [target.unit_id])).get(target.unit_id, [])
    await queue_to(session, [(channels, message, f"u{target.unit_id}")])


def published_effect(settings: Settings, task: TaskView, actor: Actor) -> Effect:
    async def effect(session: AsyncSession) -> None:
        rows = await board(session, scope=Scope(everything=True), task_id=task.id)  # the targets just written
        channels = await unit_channels(session, [r.unit_id for r in rows])
        await queue_to(session, [(channels.get(row.unit_id, []), task_published(
            notice(settings, row, actor, task.body), key=f"task-new-k{task.id}-u{row.unit_id}"), f"u{row.unit_id}")
            for row in rows])
    return effect


def returned_effect(settings: Settings, target: TargetView, actor: Actor, reason: str) -> Effect:
    async def effect(session: AsyncSession) -> None:
        key = f"task-back-{target.id}-v{target.version}"
        await tell_unit(session, target, task_returned(notice(settings, target, actor, reason), key=key))
    return effect


def evaluated_effect(settings: Settings, target: TargetView, actor: Actor, grade: str, comment: str) -> Effect:
    async def effect(session: AsyncSession) -> None:
        key = f"task-grade-{target.id}-v{target.version}"
        message = task_evaluated(notice(settings, target, actor, comment), key=key, grade=grade_label(grade))
        await tell_unit(session, target, message)
    return effect
