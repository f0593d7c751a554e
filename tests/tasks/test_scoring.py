"""Publishing a month's scores: one outbox row per covering group and run, nothing twice on a re-run,
and the CLI's draft + publish on the real database."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import col

from models.core.db import transaction
from models.core.decision import Actor
from models.notify.tables import Outbox, Target
from models.scores.query import runs_of
from tasks.scoring import publish_month, run_draft
from tests.factories import add_persons, make_world, person_record

ADMIN = Actor("admin", "admin", "管理员")


async def test_publishing_tells_each_covering_group_once(rt):
    world = await make_world(rt)
    await add_persons(rt, *[person_record("C1-A", seq=101 + k) for k in range(3)])
    async with transaction(rt.sessions) as session:
        session.add(Target(name="甲县群", kind="log", config_enc=rt.cipher.encrypt("{}"), purposes=",reminder,",
                           unit_id=world.units["C1"], subtree=True))
    await run_draft(rt, month="2026-10", as_of=date(2026, 11, 1))
    assert await publish_month(rt, month="2026-10", actor=ADMIN) == 1
    await run_draft(rt, month="2026-10", as_of=date(2026, 11, 2))  # the published run stays as it was
    assert await publish_month(rt, month="2026-10", actor=ADMIN) == 0
    async with rt.sessions() as session:
        rows = (await session.scalars(select(Outbox).where(col(Outbox.purpose) == "reminder"))).all()
        runs = await runs_of(session, month="2026-10")
    assert [r.status for r in runs] == ["published"] and len(rows) == 1
    assert "红黑榜" in rows[0].title and "甲县财政局" in rows[0].body


def test_the_cli_refuses_a_month_that_has_not_started(settings):
    from tasks.cli import cli

    result = CliRunner().invoke(cli, ["score", "--month", "2099-01", "--as-of", "2026-11-01"], obj=settings)
    assert result.exit_code == 1 and "尚未开始" in result.output
