"""The notification pipeline end to end: scan → digest marks → compose → outbox → real arq
worker → fake DingTalk, with its signature check, size limit and rate limit."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import func, select, update
from sqlmodel import col

from bot.http import ApiClient
from models.core.db import transaction, utcnow
from models.core.workdays import WorkCalendar
from models.notify.marks import scan_and_mark
from models.notify.tables import Delivery, DigestState, Outbox, Target
from models.warnings.tables import Warning, WarningEvent
from tasks.notify.send import send_one
from tasks.notify.sweep import sweep
from tests.factories import add_persons, add_units, person_record, unit_record

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()
DAY = date(2026, 11, 23)


def _next_day(working: bool) -> date:
    """A day after tomorrow (so always in the future, whenever the tests run) that is (not) a working day."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=2)
    while CALENDAR.is_workday(day)[0] != working:
        day += timedelta(days=1)
    return day


WORKDAY = _next_day(True)


def at(hour: int, minute: int = 0, day: date = WORKDAY) -> datetime:
    """Shanghai local hour:minute on a future working day."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def scan(nrt, as_of: date = DAY) -> None:
    async with transaction(nrt.sessions) as session:
        await scan_and_mark(session, as_of=as_of, full=True, now=utcnow())


async def outbox_rows(nrt) -> list[Outbox]:
    async with nrt.sessions() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def over_quota_world(nrt, extra: int = 1) -> None:
    await add_units(nrt, unit_record("U1", name="甲县财政局", quotas={"XZ": 2}), unit_record("U2", quotas={"XZ": 5}))
    await add_persons(nrt, *(person_record("U1", seq=101 + 2 * i, name="王小明") for i in range(2 + extra)),
                      person_record("U2", seq=301, education=None, name="李四"))


async def test_a_scan_reaches_the_unit_group_as_one_digest(nrt, fakes, redis, add_target, run_worker):
    await over_quota_world(nrt)
    await add_target("财政局群", "U1")
    await scan(nrt)
    outcome = await sweep(nrt, redis, at(12))
    assert (outcome.composed, outcome.enqueued) == (1, 1)
    await run_worker()
    [sent] = fakes.dingtalk.delivered
    assert "甲县财政局：编制预警新增1条" in sent.text and "超编" in sent.text
    assert "行政编制核定2名，实有3名" in sent.text
    assert "3301" not in sent.readable and "http://portal.test/warnings?via=chat&unit=" in sent.text
    assert sent.payload["msgUuid"] == (await outbox_rows(nrt))[0].idempotency_key
    async with nrt.sessions() as session:
        assert (await session.scalar(select(func.count()).select_from(WarningEvent)
                                     .where(WarningEvent.kind == "notified"))) == 1
        assert (await session.scalars(select(Delivery))).one().status == "ok"


async def test_it_sends_again_only_when_the_set_changes_and_says_what_changed(nrt, fakes, redis, add_target,
                                                                              run_worker):
    await over_quota_world(nrt)
    await add_target("财政局群", "U1", group_interval_s=0)
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    await run_worker()
    await scan(nrt)
    assert (await sweep(nrt, redis, at(12, 5))).composed == 0
    gone = {"status": "transferred", "in_est": False, "exit_date": date(2026, 11, 2)}
    await add_persons(nrt, person_record("U1", seq=101, **gone), person_record("U1", seq=103, **gone),
                      person_record("U1", seq=401, mobile=None, name="赵六"))
    await scan(nrt)
    assert (await sweep(nrt, redis, at(12, 10))).composed == 1
    await run_worker()
    second = fakes.dingtalk.delivered[-1].text
    assert "新增1条" in second and "已解决1条" in second and "赵＊" in second and "赵六" not in second


async def test_it_holds_routine_digests_in_quiet_hours_and_lets_severe_ones_through(nrt, redis, add_target):
    await over_quota_world(nrt)
    quiet = await add_target("财政局群", "U1", s1_bypass=False)
    await scan(nrt)
    assert (await sweep(nrt, redis, at(23))).composed == 0  # held: 22:00–07:30
    assert (await sweep(nrt, redis, at(7, 45))).composed == 1  # released, grouped, when the window ends
    async with transaction(nrt.sessions) as session:
        await session.execute(update(Target).where(Target.id == quiet.id).values(s1_bypass=True))
        await session.execute(update(DigestState).values(dirty=True, dirty_since=utcnow(), urgent=True, last_set=[]))
    assert (await sweep(nrt, redis, at(23))).composed == 1


async def test_it_waits_for_working_days(nrt, redis, add_target):
    await over_quota_world(nrt)
    await add_target("财政局群", "U1", s1_bypass=False)
    await scan(nrt)
    day_off = _next_day(False)
    assert (await sweep(nrt, redis, at(10, day=day_off))).composed == 0
    next_working = CALENDAR.add_workdays(day_off, 1)[0]
    assert (await sweep(nrt, redis, at(10, day=next_working))).composed == 1


async def test_two_workers_given_the_same_row_send_it_once(nrt, fakes, redis, add_target):
    await over_quota_world(nrt)
    await add_target("财政局群", "U1")
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    [row] = await outbox_rows(nrt)
    async with aiohttp.ClientSession() as http_session:
        http = ApiClient(http_session, allow_private=True)
        results = await asyncio.gather(*(send_one(nrt, redis, http, row.id, f"w{i}") for i in range(4)))
    assert sorted(r.status for r in results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(fakes.dingtalk.delivered) == 1


async def test_a_killed_worker_and_a_flushed_redis_lose_nothing_and_double_nothing(nrt, fakes, redis, add_target,
                                                                                   run_worker):
    await over_quota_world(nrt)
    await add_target("财政局群", "U1")
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    [row] = await outbox_rows(nrt)
    async with aiohttp.ClientSession() as http_session:
        await send_one(nrt, redis, ApiClient(http_session, allow_private=True), row.id, "doomed")
    # The worker "died" after the platform accepted but before it recorded the outcome:
    async with transaction(nrt.sessions) as session:
        await session.execute(update(Outbox).values(status="sending", claimed_at=utcnow() - timedelta(minutes=5)))
    await redis.flushdb()
    outcome = await sweep(nrt, redis)
    assert (outcome.recovered, outcome.enqueued) == (1, 1)
    await run_worker()
    assert len(fakes.dingtalk.delivered) == 1 and fakes.dingtalk.duplicates == 1
    assert (await outbox_rows(nrt))[0].status == "sent"


async def test_a_removed_robot_disables_the_target_and_tells_the_admins(nrt, fakes, redis, add_target, run_worker):
    await over_quota_world(nrt)
    broken = await add_target("旧群", "U1", config={"access_token": "removed", "secret": "SECx"})
    await add_target("管理员", None, kind="log", purposes=("admin",), config={})
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    await run_worker()
    async with nrt.sessions() as session:
        target = await session.get(Target, broken.id)
        assert not target.enabled and "自动停用" in target.disabled_reason
    rows = await outbox_rows(nrt)
    assert [(r.purpose, r.status) for r in rows] == [("digest", "failed"), ("admin", "pending")]
    await sweep(nrt, redis)
    await run_worker()
    assert (await outbox_rows(nrt))[1].status == "sent"
    written = list((nrt.settings.var_dir / "outbox").glob("*.md"))
    assert written and "通知渠道已停用：旧群" in written[0].read_text(encoding="utf-8")


async def test_a_platform_rate_limit_pauses_the_target(nrt, fakes, redis, add_target, run_worker):
    await over_quota_world(nrt)
    target = await add_target("财政局群", "U1")
    for _ in range(20):  # someone else's bot on the same robot used up this minute
        fakes.dingtalk.rate.allow(f"tok-{target.name}")
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    await run_worker()
    async with nrt.sessions() as session:
        paused = await session.get(Target, target.id)
        [row] = (await session.scalars(select(Outbox))).all()
    assert paused.paused_until > utcnow() + timedelta(minutes=9) and paused.enabled
    assert row.status == "pending" and row.attempts == 0
    assert fakes.dingtalk.rate_violations == 1


async def test_transient_errors_are_retried_with_backoff(nrt, fakes, redis, add_target):
    await add_units(nrt, unit_record("U1"))
    target = await add_target("群", "U1")
    async with transaction(nrt.sessions) as session:
        session.add(Outbox(target_id=target.id, purpose="digest", title="t", body="__500__", idempotency_key="k1"))
    async with aiohttp.ClientSession() as http_session:
        result = await send_one(nrt, redis, ApiClient(http_session, allow_private=True), 1, "w")
    assert result.status == "retry" and timedelta(seconds=5) < result.retry_at - utcnow() <= timedelta(seconds=10)
    [row] = await outbox_rows(nrt)
    assert (row.status, row.attempts) == ("pending", 1)


async def test_a_personal_target_follows_its_owners_quiet_hours(nrt, redis, add_target):
    from models.notify.tables import NotificationPref
    from tests.factories import add_account

    await over_quota_world(nrt)
    owner = await add_account(nrt, "zhang", "steward", [])
    await add_target("张专员工作通知", "U1", kind="log", config={}, account_id=owner.id, s1_bypass=False)
    async with transaction(nrt.sessions) as session:
        session.add(NotificationPref(account_id=owner.id, quiet_start="20:00", quiet_end="09:00"))
    await scan(nrt)
    assert (await sweep(nrt, redis, at(8, 30))).composed == 0  # the target alone would send at 08:30
    assert (await sweep(nrt, redis, at(9, 5))).composed == 1


async def test_a_sweep_at_the_present_moment_enqueues_what_it_composed(nrt, fakes, redis, add_target, run_worker):
    await over_quota_world(nrt)
    await add_target("财政局群", "U1", quiet_start="00:00", quiet_end="00:00", quiet_on_holidays=False)
    await scan(nrt)
    outcome = await sweep(nrt, redis)  # the real clock, as the cron job runs it
    assert (outcome.composed, outcome.enqueued) == (1, 1)
    await run_worker()
    assert len(fakes.dingtalk.delivered) == 1


async def test_sms_flow_control_holds_the_number_not_the_target(nrt, fakes, redis, add_target):
    await add_units(nrt, unit_record("U1"))
    fakes.sms.add_account("LTAI-t", "s3cret")
    fakes.sms.daily_limit = 1
    config = {"access_key_id": "LTAI-t", "access_key_secret": "s3cret", "sign_name": "某某县编办",
              "template_code": "SMS_100001", "phone_numbers": ["13800000001"]}
    busy = await add_target("专员短信", "U1", kind="sms", config=config)
    other = await add_target("科长短信", "U1", kind="sms", config={**config, "phone_numbers": ["13900000002"]})
    async with transaction(nrt.sessions) as session:
        for key, target in (("a", busy), ("b", busy), ("c", other)):
            session.add(Outbox(target_id=target.id, purpose="s1", title="t", body="b", idempotency_key=key))
    async with aiohttp.ClientSession() as http_session:
        api = ApiClient(http_session, allow_private=True)
        results = [await send_one(nrt, redis, api, outbox_id, "w") for outbox_id in (1, 2, 3)]
        again = await send_one(nrt, redis, api, 2, "w")
        async with transaction(nrt.sessions) as session:
            session.add(Outbox(target_id=busy.id, purpose="s1", title="t2", body="b2", idempotency_key="d"))
        later = await send_one(nrt, redis, api, 4, "w")
    assert [r.status for r in results] == ["sent", "deferred", "sent"]
    assert later.status == "deferred" and later.retry_at > utcnow() + timedelta(hours=23)
    assert again.status == "skipped", "the held row waits for its number's window, not retried at once"
    async with nrt.sessions() as session:
        held = await session.get(Target, busy.id)
    assert held.paused_until is None and held.enabled, "the target itself is not paused"
    assert fakes.sms.limit_violations == 1, "the held number is not called again while held"
    rows = {r.idempotency_key: r for r in await outbox_rows(nrt)}
    assert rows["b"].status == "pending" and rows["b"].next_attempt_at > utcnow() + timedelta(hours=23)


async def test_a_county_digest_is_titled_after_its_scope_and_each_line_opens_its_warning(nrt, fakes, redis,
                                                                                           add_target, run_worker):
    await add_units(nrt, unit_record("C1", name="甲县"), unit_record("U1", name="甲县财政局", parent_code="C1",
                                                                     quotas={"XZ": 1}))
    old = date(DAY.year - 70, 1, 1)  # long past the retirement age: B3, whose date would reveal the birthday
    await add_persons(nrt, person_record("U1", seq=101, name="王小明"), person_record("U1", seq=103, name="李大",
                                                                                      birth=old))
    await add_target("县编办群", "C1", subtree=True, group_by="all")
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    await run_worker()
    [sent] = fakes.dingtalk.delivered
    assert sent.payload["actionCard"]["title"].startswith("【紧急】甲县及下属单位：编制预警新增")
    async with nrt.sessions() as session:
        ids = sorted((await session.scalars(select(col(Warning.id)))).all())
    for warning_id in ids:
        assert f"](http://portal.test/warnings/{warning_id}?via=chat)" in sent.text
    assert "已达到法定退休年龄，仍在编在职" in sent.text and f"{old.year}-" not in sent.readable


async def test_a_digest_without_severe_warnings_is_not_urgent(nrt, fakes, redis, add_target, run_worker):
    await add_units(nrt, unit_record("U1", name="甲县财政局"))
    await add_persons(nrt, person_record("U1", seq=101, education=None))  # A10 incomplete: 一般
    await add_target("财政局群", "U1")
    await scan(nrt)
    await sweep(nrt, redis, at(12))
    await run_worker()
    [sent] = fakes.dingtalk.delivered
    assert "紧急" not in sent.readable and "一般" in sent.text
