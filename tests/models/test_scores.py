"""Monthly scores on real SQLite/PostgreSQL: every deduction kind, ties and units apart, appeals
accepted and rejected, an idempotent re-run of a draft, ranking scopes, and publishing that freezes
the list (a later change of weights leaves it as it was)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from models.approvals.tables import Item
from models.core.db import transaction
from models.core.decision import Actor, DecisionError
from models.scores.appeals import decide_appeal, file_appeal, publish_run
from models.scores.query import deductions_of, listed, runs_of
from models.scores.runs import draft_scores
from models.scores.tables import DEDUCTION, SCORE_LINE
from models.selfcheck.tables import SelfCheck
from models.staffing.scope import Scope
from models.staffing.tables import PERSON, PersonEvent, Unit
from models.unittasks.tables import UnitTask, UnitTaskTarget
from models.warnings.tables import Warning, WarningEvent
from tests.factories import World, add_persons, make_world, person_record

EVERYTHING = Scope(everything=True)
MONTH, AS_OF = "2026-10", date(2026, 11, 1)
STEWARD = Actor("steward", "steward", "王专员")
OFFICER = Actor("officer", "officer", "李科长")
ADMIN = Actor("admin", "admin", "管理员")
IN_MONTH = datetime(2026, 10, 10, 2, tzinfo=UTC)


@pytest.fixture
async def world(rt) -> World:
    w = await make_world(rt)
    for n, unit in enumerate(("C1", "C1-A", "C1-B", "C2", "C2-A")):  # C1-B-1 keeps no one: listed apart
        await add_persons(rt, *[person_record(unit, seq=100 + 10 * n + k) for k in range(3)])
    return w


def warning(unit_id: int, n: int, **kw) -> Warning:
    values = {"fingerprint": f"A1_ID_INVALID:{n}", "rule_code": "A1_ID_INVALID", "severity": "S1", "unit_id": unit_id,
              "subject": str(n), "detected_at": IN_MONTH, "detected_on": IN_MONTH.date(), **kw}
    return Warning(**values)


async def add(rt, *rows) -> None:
    async with transaction(rt.sessions) as session:
        session.add_all(rows)


async def draft(rt, **overrides) -> None:
    settings = rt.settings.model_copy(update=overrides)
    async with transaction(rt.sessions) as session:
        await draft_scores(session, settings=settings, month=MONTH, as_of=AS_OF)


async def kinds_of(rt, unit_id: int) -> list[tuple[str, str, float]]:
    async with rt.sessions() as session:
        run = (await runs_of(session, month=MONTH))[0]
        found = await deductions_of(session, run_id=run.id, unit_id=unit_id)
    return sorted((d.kind, d.ref_type, d.points) for d in found if not d.removed)


async def line(rt, unit_id: int):
    async with rt.sessions() as session:
        return (await session.execute(select(SCORE_LINE).where(SCORE_LINE.c.unit_id == unit_id))).one()


async def test_each_deduction_kind_traces_to_its_object(rt, world):
    a, b = world.units["C1-A"], world.units["C1-B"]
    async with rt.sessions() as session:
        person_id = await session.scalar(select(PERSON.c.id).where(PERSON.c.unit_id == b).limit(1))
    read = warning(a, 1, severity="S2", due_date=date(2026, 10, 20))
    await add(rt, read, warning(a, 2, status="resolved", resolved_at=datetime(2026, 10, 5, tzinfo=UTC)),
              warning(b, 3, severity="S3", person_id=person_id, due_date=date(2026, 10, 12), status="resolved",
                      resolved_at=datetime(2026, 10, 15, 3, tzinfo=UTC)),
              SelfCheck(unit_id=a, login="steward", month=MONTH, status="finished", counts=True),
              Item(kind="quota", unit_id=b, applicant="steward", title="申请用编", status="returned",
                   updated_at=datetime(2026, 10, 2, tzinfo=UTC)),
              UnitTask(id=1, title="核对学历", deadline=date(2026, 10, 25), publisher="officer", status="published"))
    fix = PersonEvent(person_id=person_id, at=datetime(2026, 10, 14, tzinfo=UTC), source="portal", actor="steward",
                      kind="update")
    await add(rt, fix, WarningEvent(warning_id=read.id, kind="read", actor="steward", at=IN_MONTH),
              UnitTaskTarget(task_id=1, unit_id=b, status="received"))
    await draft(rt)
    assert await kinds_of(rt, a) == [("overdue", "warning", 3.0), ("read", "warning", 1.0), ("s2", "warning", 2.0),
                                     ("selfcheck", "selfcheck", 5.0)]
    assert await kinds_of(rt, b) == [("item", "item", 2.0), ("late", "person_event", 1.0),
                                     ("selfcheck", "selfcheck", 5.0), ("selfcheck", "selfcheck", 5.0),
                                     ("task", "unit_task", 3.0)]
    assert (await line(rt, a)).score == 89.0 and (await line(rt, b)).score == 84.0


async def test_ties_are_broken_by_s1_then_checks_then_code_and_small_units_stand_apart(rt, world):
    u = world.units
    await add(rt, warning(u["C1"], 1, severity="S1"), *[warning(u["C2"], n, severity="S2") for n in (2, 3, 4)],
              warning(u["C2"], 5, severity="S2", rule_code="A2", fingerprint="x:5", subject="5"),
              SelfCheck(unit_id=u["C2-A"], login="s", month=MONTH, status="finished", counts=True),
              SelfCheck(unit_id=u["C1-B"], login="s", month=MONTH, status="finished", counts=True))
    await draft(rt, selfcheck_min_per_month=0, score_weight_s1=8.0, list_size=2)
    async with rt.sessions() as session:
        run = (await runs_of(session, month=MONTH))[0]
        red = [(x.unit_code, x.score, x.rank) for x in await listed(session, run_id=run.id, kind="red")]
        black = [(x.unit_code, x.score) for x in await listed(session, run_id=run.id, kind="black")]
        apart = [x.unit_code for x in await listed(session, run_id=run.id, kind="apart")]
    # C1-B, C1-A, C2-A all 100: C1-B and C2-A have a check, C1-B's code first; C1 (8, one S1) after C2 (8, none)
    assert red == [("C1-B", 100.0, 1), ("C2-A", 100.0, 2)]
    assert black == [("C1", 92.0), ("C2", 92.0)] and apart == ["C1-B-1"]


async def test_an_accepted_appeal_removes_the_deduction_and_a_rejected_one_keeps_it(rt, world):
    a = world.units["C1-A"]
    await add(rt, warning(a, 1), warning(a, 2, severity="S2"))
    await draft(rt, selfcheck_min_per_month=0)
    async with rt.sessions() as session:
        run = (await runs_of(session, month=MONTH))[0]
        s1, s2 = sorted(await deductions_of(session, run_id=run.id, unit_id=a), key=lambda d: d.kind)
    async with transaction(rt.sessions) as session:
        with pytest.raises(DecisionError, match="请填写理由"):
            await file_appeal(session, scope=EVERYTHING, actor=STEWARD, deduction_id=s1.id, reason=" ", today=AS_OF)
        first = await file_appeal(session, scope=EVERYTHING, actor=STEWARD, deduction_id=s1.id, reason="已于9月更正",
                                  today=AS_OF)
        second = await file_appeal(session, scope=EVERYTHING, actor=STEWARD, deduction_id=s2.id, reason="不认可",
                                   today=AS_OF)
    async with transaction(rt.sessions) as session:
        with pytest.raises(DecisionError, match="尚有2条申诉未处理"):
            await publish_run(session, actor=ADMIN, run_id=run.id, version=run.version)
    async with transaction(rt.sessions) as session:
        await decide_appeal(session, scope=EVERYTHING, actor=OFFICER, appeal_id=first, version=1, accept=True,
                            note="核实已更正")
        await decide_appeal(session, scope=EVERYTHING, actor=OFFICER, appeal_id=second, version=1, accept=False,
                            note="预警属实")
    async with transaction(rt.sessions) as session:
        with pytest.raises(DecisionError, match="已处理"):  # a second tap acts once
            await decide_appeal(session, scope=EVERYTHING, actor=OFFICER, appeal_id=first, version=1, accept=False,
                                note="重复")
    assert await kinds_of(rt, a) == [("s2", "warning", 2.0)] and (await line(rt, a)).score == 98.0
    await draft(rt, selfcheck_min_per_month=0)  # a re-run keeps the appealed deduction removed
    assert (await line(rt, a)).score == 98.0


async def test_a_rerun_is_idempotent_and_publishing_freezes_the_list(rt, world):
    a = world.units["C1-A"]
    await add(rt, warning(a, 1))
    await draft(rt)
    await draft(rt)
    async with rt.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(DEDUCTION))
        run = (await runs_of(session, month=MONTH))[0]
    assert count == 1 + 2 * 6 and run.status == "preview" and run.preview_until == date(2026, 11, 6)
    async with transaction(rt.sessions) as session:
        await publish_run(session, actor=ADMIN, run_id=run.id, version=run.version)
    before = await line(rt, a)
    await draft(rt, score_weight_s1=50.0, selfcheck_min_per_month=0)
    after = await line(rt, a)
    assert before.score == after.score == 85.0 and before.rank == after.rank
    async with transaction(rt.sessions) as session:
        with pytest.raises(DecisionError, match="已发布"):
            d = (await deductions_of(session, run_id=run.id, unit_id=a))[0]
            await file_appeal(session, scope=EVERYTHING, actor=STEWARD, deduction_id=d.id, reason="晚了", today=AS_OF)


async def test_units_are_ranked_within_their_region_and_level(rt, world):
    async with transaction(rt.sessions) as session:
        unit = await session.get(Unit, world.units["C2"])
        assert unit is not None
        unit.region_code, unit.level = "330523", "40"
    await draft(rt)
    async with rt.sessions() as session:
        runs = await runs_of(session, month=MONTH)
    assert [(r.region_code, r.level, r.units) for r in runs] == [("", "50", 5), ("330523", "40", 1)]


def test_a_small_scope_splits_its_units_between_the_lists_instead_of_making_them_all_red():
    from models.scores.ranking import Tally, rank

    tallies = [Tally(n, f"U{n:02}", persons=10, checks=2, deducted=float(n)) for n in range(1, 8)]
    kinds = [line.list_kind for line in rank(tallies, min_persons=3, list_size=10)]
    assert kinds == ["red", "red", "red", "red", "black", "black", "black"]
    assert [line.list_kind for line in rank(tallies[:1], min_persons=3, list_size=10)] == ["red"]
    level = [Tally(n, f"U{n:02}", persons=10, checks=2, deducted=10.0 if n < 7 else 20.0) for n in range(1, 9)]
    kinds = [line.list_kind for line in rank(level, min_persons=3, list_size=10)]
    assert kinds == ["red", "red", "red", "red", None, None, "black", "black"], "equal scores are never opposite"
