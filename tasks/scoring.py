"""Monthly scores as the worker's cron and the CLI run them: draft a month (idempotent), and publish
its runs with their group notices in the same transaction.

Publishing tells every enabled ``reminder`` target covering a unit of the run, once per run and
target (outbox key ``score-<run>-t<target>``): the red and black lists with a link to the page. The
cron fires at 00:20 on the 1st (after the locks at 00:05) and drafts the month just ended.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.base import Message
from bot.escape import inert
from models.core.db import local_today, transaction, utcnow
from models.core.decision import Actor, Effect
from models.core.runtime import Runtime
from models.core.settings import Settings
from models.notify.audience import covering_targets
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox
from models.scores.appeals import publish_run
from models.scores.period import previous_month
from models.scores.query import RunView, listed, run_unit_ids, runs_of
from models.scores.runs import Drafted, draft_scores

PURPOSE = "reminder"
SHOWN = 10


async def run_draft(rt: Runtime, *, month: str, as_of: date, actor: str = "system") -> Drafted:
    async with transaction(rt.sessions) as session:
        return await draft_scores(session, settings=rt.settings, month=month, as_of=as_of, actor=actor)


async def month_end_scores(rt: Runtime) -> Drafted:
    """The cron's run: draft the month before the office-zone today."""
    today = local_today(rt.settings.tz)
    return await run_draft(rt, month=previous_month(today), as_of=today)


def draft_summary(d: Drafted) -> str:
    return f"{d.month}：评分单位 {d.units} 个，计算榜单 {d.runs} 个，已发布未改动 {d.frozen} 个，扣分 {d.deductions} 项"


async def publish_month(rt: Runtime, *, month: str, actor: Actor) -> int:
    """Publish every preview run of ``month`` (each in its own transaction); how many were published."""
    async with rt.sessions() as session:
        runs = [r for r in await runs_of(session, month=month) if r.status == "preview"]
    for run in runs:
        async with transaction(rt.sessions) as session:
            await publish_run(session, actor=actor, run_id=run.id, version=run.version,
                              effects=(published_notices(rt.settings, run),))
    return len(runs)


def published_notices(settings: Settings, run: RunView) -> Effect:
    async def effect(session: AsyncSession) -> None:
        message = await _message(session, settings, run)
        unit_ids = await run_unit_ids(session, run_id=run.id)
        targets = sorted({t.id for t in await covering_targets(session, purpose=PURPOSE, unit_ids=unit_ids)})
        keys = {target_id: f"score-{run.id}-t{target_id}" for target_id in targets}
        done = await existing_keys(session, keys=list(keys.values())) if keys else set()
        for target_id, key in keys.items():
            if key not in done:
                await queue(session, row=Outbox(target_id=target_id, purpose=PURPOSE, group_key=f"score{run.id}",
                                                title=message.title, body=message.body, link=message.link,
                                                idempotency_key=key, next_attempt_at=utcnow(), payload={}))
    return effect


async def _message(session: AsyncSession, settings: Settings, run: RunView) -> Message:
    red = await listed(session, run_id=run.id, kind="red", limit=SHOWN)
    black = await listed(session, run_id=run.id, kind="black", limit=SHOWN)
    month = f"{run.month[:4]}年{int(run.month[5:])}月"  # "2026年10月", as people write it
    lines = [f"### {month} 月度评分红黑榜（{inert(run.scope_label)}）", "", "**红榜**"]
    lines += [f"{x.rank}. {inert(x.unit_name)} {x.score:g}分" for x in red] or ["（无）"]
    lines += ["", "**黑榜**"] + ([f"{x.rank}. {inert(x.unit_name)} {x.score:g}分" for x in black] or ["（无）"])
    body = "\n".join(lines)
    return Message(title=f"{month} 月度评分红黑榜", body=body, text=body,
                   link=f"{settings.public_url}/scores?month={run.month}", action_label="查看榜单",
                   idempotency_key=f"score-{run.id}")

