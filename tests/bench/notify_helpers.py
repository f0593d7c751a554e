"""Shared by ``bench_notify.py`` and ``tests/tasks/test_notify_faults.py``: a warnings world wired to
DingTalk robots, real ``bzops worker`` processes, and what the outbox and the fake robots say.

The world: ``groups`` units with open warnings (split as evenly as possible), each a digest group
``(target, u<unit id>)``. Most units have a robot of their own; ``shared_groups`` units sit under
``shared_robots`` parent units whose robot covers their subtree, so one robot receives many
digests and the 20-per-minute limit binds. Warnings are inserted the way a scan merges them (real
rule codes, severities, evidence and deadlines, one scan id) and the groups are marked dirty by
the product's own ``models.digest_marks.mark_for_scan``. Targets send at once (``group_wait 0``)
and have no quiet hours, so the run does not depend on the time of day.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, update
from sqlmodel import col

from models.core.bulk import insert_rows
from models.core.db import transaction, utcnow
from models.core.runtime import Runtime
from models.core.settings import Settings
from models.notify.marks import mark_for_scan
from models.notify.tables import Delivery, DigestState, Outbox, Target
from models.notify.targets import TargetSpec, create_target
from models.staffing.records import UnitRecord
from models.staffing.unit_writer import unit_code_map, write_units
from models.warnings.config import load_rules
from models.warnings.tables import ScanRun, Warning

ROOT = Path(__file__).resolve().parents[2]
SECRET = "SEC0123456789abcdef"
LIMIT_PER_MINUTE = 20  # DingTalk robot, platforms.md §1.4
COUNTIES = ("安吉县", "德清县", "长兴县", "桐乡市", "海宁市", "嘉善县", "平湖市", "临安区")
DEPARTMENTS = ("财政局", "教育局", "卫生健康局", "自然资源和规划局", "交通运输局", "农业农村局", "司法局",
               "民政局", "人力资源和社会保障局", "市场监督管理局", "审计局", "统计局", "水利局", "文化和广电旅游体育局")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛")
EXITS = ("transferred", "resigned", "retired")


# --- the world --------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorldSpec:
    groups: int = 2000
    warnings: int = 100_000
    shared_groups: int = 100  # units whose digests go to a shared robot
    shared_robots: int = 2
    prefix: str = "NB"


@dataclass(frozen=True)
class Robot:
    token: str
    secret: str
    groups: int  # digest groups (messages) this robot receives


@dataclass
class World:
    spec: WorldSpec
    robots: list[Robot] = field(default_factory=list)
    scan_id: int = 0

    def floor_seconds(self) -> int:
        """The rate-limit floor: the busiest robot needs ceil(n/20) − 1 full minutes."""
        busiest = max((r.groups for r in self.robots), default=0)
        return max(0, -(-busiest // LIMIT_PER_MINUTE) - 1) * 60


def _unit_name(i: int) -> str:
    return f"{COUNTIES[i % len(COUNTIES)]}{DEPARTMENTS[(i // len(COUNTIES)) % len(DEPARTMENTS)]}（{i}）"


def _units(spec: WorldSpec) -> tuple[list[UnitRecord], dict[str, list[str]]]:
    """Unit records, and the member unit codes of each shared robot's parent unit."""
    records: list[UnitRecord] = []
    shared: dict[str, list[str]] = {}
    for k in range(spec.shared_robots):
        parent = f"{spec.prefix}S{k}"
        records.append(UnitRecord(code=parent, name=f"{COUNTIES[k % len(COUNTIES)]}乡镇街道（共享群{k}）",
                                  level="50", kind="gov", quotas={"XZ": 5}))
        shared[parent] = []
    for i in range(spec.groups):
        code = f"{spec.prefix}{i:05d}"
        parent = f"{spec.prefix}S{i % spec.shared_robots}" if i < spec.shared_groups else None
        records.append(UnitRecord(code=code, name=_unit_name(i), level="50", kind="gov", parent_code=parent,
                                  quotas={"XZ": 10, "GQ": 2}))
        if parent is not None:
            shared[parent].append(code)
    return records, shared


def _evidence(rule: str, n: int, day: date) -> dict[str, Any]:
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
    base: dict[str, Any] = {"name": name, "id": f"3305**********{n % 10000:04d}"}
    extra: dict[str, dict[str, Any]] = {
        "A10_INCOMPLETE": {"missing": "学历、手机号、"},
        "A6_DUPLICATE": {"records": 2},
        "B2_RETIRE_SOON": {"retire_on": str(day + timedelta(days=30 + n % 150))},
        "B3_OVERDUE_RETIRE": {"retire_on": str(day - timedelta(days=20 + n % 300))},
        "B6_EXIT_IN_EST": {"status": EXITS[n % len(EXITS)], "exit": str(day - timedelta(days=5 + n % 60))},
    }
    return base | extra.get(rule, {})


RULES = (("A10_INCOMPLETE", "S2", 5), ("A6_DUPLICATE", "S1", 5), ("B2_RETIRE_SOON", "S3", None),
         ("B3_OVERDUE_RETIRE", "S1", 10), ("B6_EXIT_IN_EST", "S1", 10), ("D1_POST_UNIT", "S2", 10),
         ("A4_ID_LEGACY", "S2", 10))


def _warning_rows(unit_ids: list[int], total: int, scan_id: int, now: datetime) -> list[dict[str, Any]]:
    day = now.date()
    rows = []
    for n in range(total):
        unit_id = unit_ids[n % len(unit_ids)]
        rule, severity, days = RULES[(n // len(unit_ids)) % len(RULES)]
        subject = f"p{1_000_000 + n}"
        rows.append({"fingerprint": f"{rule}:{subject}", "rule_code": rule, "rule_version": 1, "severity": severity,
                     "unit_id": unit_id, "person_id": None, "subject": subject, "evidence": _evidence(rule, n, day),
                     "status": "open", "due_date": day + timedelta(days=days - n % 12) if days else None,
                     "due_estimated": False, "detected_at": now, "detected_on": day, "created_scan_id": scan_id,
                     "reopen_count": 0, "escalation_level": 0, "version": 1, "updated_at": now})
    return rows


async def _add_targets(rt: Runtime, spec: WorldSpec, shared: dict[str, list[str]]) -> list[Robot]:
    members = {code for codes in shared.values() for code in codes}
    robots = [Robot(f"tok-{parent}", SECRET, len(codes)) for parent, codes in shared.items()]
    robots += [Robot(f"tok-{spec.prefix}{i:05d}", SECRET, 1) for i in range(spec.groups)
               if f"{spec.prefix}{i:05d}" not in members]
    async with transaction(rt.sessions) as session:
        for robot in robots:
            code = robot.token.removeprefix("tok-")
            await create_target(session, rt.cipher, TargetSpec(
                name=f"{code}群", kind="dingtalk", config={"access_token": robot.token, "secret": robot.secret},
                unit_code=code, subtree=code in shared), actor="bench")
        # Send at once, at any hour: the run must not depend on when it is started.
        await session.execute(update(Target).values(group_wait_s=0, quiet_start="00:00", quiet_end="00:00",
                                                    quiet_on_holidays=False, repeat_workdays=0))
    return robots


async def build_world(rt: Runtime, spec: WorldSpec, *, log: Callable[[str], None] = lambda _m: None) -> World:
    """Units, robots (targets) and open warnings; the digest groups marked dirty as a scan would."""
    now = utcnow()
    records, shared = _units(spec)
    async with transaction(rt.sessions) as session:
        await write_units(session, records)
        codes = await unit_code_map(session)
    unit_ids = [codes[f"{spec.prefix}{i:05d}"] for i in range(spec.groups)]
    robots = await _add_targets(rt, spec, shared)
    log(f"{len(records)} units, {len(robots)} robots")
    async with transaction(rt.sessions) as session:
        # A finished full scan with the current rule versions, started after the units were written:
        # the workers' incremental scan cron then finds nothing changed and leaves these warnings be.
        versions = {r.code: r.version for r in await load_rules(session)}
        scanned = utcnow()
        run = ScanRun(kind="full", as_of=now.date(), started_at=scanned, finished_at=scanned, status="done",
                      watermark=scanned, counts={"created": spec.warnings}, rule_versions=versions)
        session.add(run)
        await session.flush()
        assert run.id is not None
        await insert_rows(session, Warning.__table__, _warning_rows(unit_ids, spec.warnings, run.id, now))
    log(f"{spec.warnings} warnings inserted")
    started = time.monotonic()
    async with transaction(rt.sessions) as session:
        await mark_for_scan(session, scan_id=run.id, now=now)
    log(f"digest groups marked in {time.monotonic() - started:.1f}s")
    return World(spec, robots, run.id)


# --- what the database says -------------------------------------------------------------------

async def outbox_status(rt: Runtime) -> dict[str, int]:
    async with rt.sessions() as session:
        rows = await session.execute(select(col(Outbox.status), func.count()).group_by(col(Outbox.status)))
        return {status: count for status, count in rows}


async def dirty_groups(rt: Runtime) -> tuple[int, int]:
    """(digest groups, of which still dirty)."""
    async with rt.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(DigestState))
        dirty = await session.scalar(select(func.count()).select_from(DigestState).where(col(DigestState.dirty)))
        return int(total or 0), int(dirty or 0)


async def delivery_summary(rt: Runtime) -> dict[str, int]:
    """Delivery rows by status, ok parts, and outbox rows with more than one ok delivery."""
    async with rt.sessions() as session:
        by_status = {s: n for s, n in await session.execute(
            select(col(Delivery.status), func.count()).group_by(col(Delivery.status)))}
        parts = await session.scalar(select(func.coalesce(func.sum(Delivery.parts), 0))
                                     .where(col(Delivery.status) == "ok"))
        twice = select(col(Delivery.outbox_id)).where(col(Delivery.status) == "ok") \
            .group_by(col(Delivery.outbox_id)).having(func.count() > 1).subquery()
        recorded_twice = await session.scalar(select(func.count()).select_from(twice))
    return {**{f"deliveries_{s}": n for s, n in by_status.items()}, "ok_parts": int(parts or 0),
            "rows_recorded_ok_twice": int(recorded_twice or 0)}


async def expected_keys(rt: Runtime) -> set[str]:
    """The msgUuid of every part the outbox owes (single-part rows use the row's key)."""
    async with rt.sessions() as session:
        rows = await session.execute(select(col(Outbox.idempotency_key), func.max(Delivery.parts))
                                     .outerjoin(Delivery, (col(Delivery.outbox_id) == Outbox.id)
                                                & (col(Delivery.status) == "ok"))
                                     .group_by(col(Outbox.idempotency_key)))
        keys: set[str] = set()
        for key, parts in rows:
            keys |= {key} if not parts or parts == 1 else {f"{key}-p{k}" for k in range(1, parts + 1)}
        return keys


async def age_claims(rt: Runtime, worker: str, by: timedelta) -> int:
    """Move a dead worker's claims back in time, as if ``by`` had passed since it died."""
    async with transaction(rt.sessions) as session:
        rows = await session.scalars(select(Outbox).where(col(Outbox.status) == "sending",
                                                          col(Outbox.claimed_by) == worker))
        aged = 0
        for row in rows:
            assert row.claimed_at is not None
            await session.execute(update(Outbox).where(col(Outbox.id) == row.id)
                                  .values(claimed_at=row.claimed_at - by))
            aged += 1
        return aged


async def claimed_by(rt: Runtime, worker: str) -> int:
    async with rt.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Outbox).where(
            col(Outbox.status) == "sending", col(Outbox.claimed_by) == worker)) or 0)


# --- worker processes -------------------------------------------------------------------------

def worker_env(settings: Settings) -> dict[str, str]:
    """The environment a ``bzops worker`` needs to act on the same database, Redis and fakes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BZOPS_")}
    env.update({
        "BZOPS_ENV": settings.env, "BZOPS_DATABASE_URL": settings.database_url, "BZOPS_REDIS_URL": settings.redis_url,
        "BZOPS_SECRET_KEY": settings.secret_key.get_secret_value(),
        "BZOPS_DATA_KEY": settings.data_key.get_secret_value(), "BZOPS_VAR_DIR": str(settings.var_dir),
        "BZOPS_PUBLIC_URL": settings.public_url, "BZOPS_TZ": settings.tz,
        "BZOPS_DINGTALK_API_URL": settings.dingtalk_api_url, "BZOPS_ZZD_API_URL": settings.zzd_api_url,
        "BZOPS_WECOM_API_URL": settings.wecom_api_url, "BZOPS_ALIYUN_SMS_URL": settings.aliyun_sms_url,
        "BZOPS_ALLOW_PRIVATE_URLS": "true" if settings.allow_private_urls else "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def worker_name(pid: int) -> str:
    """What ``tasks.worker.startup`` writes into ``outbox.claimed_by``."""
    return f"{socket.gethostname()}:{pid}"


@dataclass
class Workers:
    """``bzops worker`` subprocesses, their logs, and the CPU they used (kept after they end)."""

    env: dict[str, str]
    log_dir: Path
    procs: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    cpu_s: dict[int, float] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    def start(self) -> int:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"worker-{len(self.procs) + 1}.log", "wb")  # noqa: SIM115 (closed in stop_all)
        self._logs.append(log)
        proc = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], cwd=ROOT, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT)
        self.procs[proc.pid] = proc
        return proc.pid

    def alive(self) -> list[int]:
        return [pid for pid, proc in self.procs.items() if proc.poll() is None]

    def sample_cpu(self, pid: int) -> float:
        """User + system CPU seconds of a live worker (remembered for after it is gone)."""
        ticks = os.sysconf("SC_CLK_TCK")
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            self.cpu_s[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (FileNotFoundError, ProcessLookupError):
            pass
        return self.cpu_s.get(pid, 0.0)

    def kill(self, pid: int) -> None:
        """SIGKILL: no shutdown hook, no finally, claims and in-flight sends left as they are."""
        self.sample_cpu(pid)
        os.kill(pid, signal.SIGKILL)
        self.procs[pid].wait(timeout=10)

    def total_cpu_s(self) -> float:
        for pid in self.alive():
            self.sample_cpu(pid)
        return sum(self.cpu_s.values())

    def stop_all(self) -> None:
        for pid in self.alive():
            self.sample_cpu(pid)
            self.procs[pid].terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for log in self._logs:
            log.close()

    def tail(self, lines: int = 30) -> str:
        out = []
        for path in sorted(self.log_dir.glob("worker-*.log")):
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            out.append(f"== {path.name} ==\n" + "\n".join(text[-lines:]))
        return "\n".join(out)
