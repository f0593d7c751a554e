"""The outcome of one import, and the steps every import shares (batch row, audit, report)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.core import audit
from models.core.db import transaction, utcnow
from models.staffing.batches import close_batch, open_batch
from models.staffing.person_writer import WriteCounts
from tasks.importing.reader import FileError
from tasks.importing.report import Problem, report_path, write_report

logger = logging.getLogger(__name__)
MAX_REPORTED = 100_000  # a file that is wrong everywhere still gets a report of bounded size


class Refused(Exception):
    """Raised inside the import transaction to roll it back when any row is bad (default mode)."""


def suppress_refused() -> contextlib.suppress:
    return contextlib.suppress(Refused)


@dataclass
class ImportResult:
    kind: str
    source: Path
    partial: bool
    total: int = 0
    counts: WriteCounts = field(default_factory=WriteCounts)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    report: Path | None = None
    committed: bool = False
    failed: bool = False  # the file could not be read, or the import broke off: nothing was imported
    batch_id: int | None = None

    def add_problems(self, problems: list[Problem]) -> None:
        if problems:
            self.bad_rows += 1
            room = MAX_REPORTED - len(self.problems)
            self.problems.extend(problems[:max(room, 0)])

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if not self.committed:
            return "refused"
        return "partial" if self.problems else "done"

    def summary(self) -> str:
        c = self.counts
        head = f"共{self.total}行：新增{c.inserted}，更新{c.updated}，未变{c.unchanged}"
        if self.failed:
            return f"导入失败，未导入任何数据：{self.problems[-1].reason if self.problems else '未知原因'}"
        if not self.problems:
            return head
        if not self.committed:
            return f"共{self.total}行，其中{self.bad_rows}行有错误：未导入任何数据"
        return f"{head}；{self.bad_rows}行有错误未导入"


async def run_batch(sessions: async_sessionmaker[AsyncSession], result: ImportResult, actor: str,
                    work: Callable[[], Awaitable[None]]) -> ImportResult:
    """Open the batch, run ``work`` (a :class:`Refused` ends it as refused) and record the outcome.

    Whatever else goes wrong (an unreadable file, a database error, an interruption), the batch
    ends as ``failed`` with its finishing time and the reason in the report, then the error goes on
    to the caller: no batch stays ``running``."""
    result.batch_id = await start_batch(sessions, result.kind, result.source, actor, result.partial)
    try:
        with suppress_refused():
            await work()
        await finish_batch(sessions, result, actor)
    except BaseException as error:
        await _record_failure(sessions, result, actor, error)
        raise
    return result


async def _record_failure(sessions: async_sessionmaker[AsyncSession], result: ImportResult, actor: str,
                          error: BaseException) -> None:
    if not result.committed:  # otherwise the data is in and only recording it failed: try again as it is
        result.failed, result.counts = True, WriteCounts()
        row = error.row if isinstance(error, FileError) else 1
        reason = str(error) if isinstance(error, FileError) else "导入中断（系统错误，已记录日志），未导入任何数据"
        result.problems.append(Problem(row, None, "", "", reason))
    try:
        await finish_batch(sessions, result, actor)
    except Exception:  # the original error matters more; the batch is then at least not misreported
        logger.exception("could not record the failure of import batch %s", result.batch_id)


async def start_batch(sessions: async_sessionmaker[AsyncSession], kind: str, source: Path,
                      actor: str, partial: bool) -> int:
    async with transaction(sessions) as session:
        batch = await open_batch(session, kind=kind, source_name=source.name, actor=actor,
                                 mode="partial" if partial else "all")
        assert batch.id is not None
        return batch.id


async def finish_batch(sessions: async_sessionmaker[AsyncSession], result: ImportResult, actor: str) -> None:
    """Record the outcome (also of a refused import) and write the error report if there are problems."""
    if result.problems:
        try:
            result.report = write_report(report_path(result.source), result.problems)
        except OSError:  # e.g. a read-only folder: the batch is still closed, the CLI lists the problems
            logger.exception("could not write the error report of import batch %s", result.batch_id)
    async with transaction(sessions) as session:
        await close_batch(session, batch_id=result.batch_id, status=result.status, total=result.total,
                          counts=result.counts, errors=result.bad_rows, at=utcnow())
        await audit.record(session, actor=actor, action=f"import.{result.kind}", object_type="import_batch",
                           object_id=result.batch_id, detail={"file": result.source.name,
                           "status": result.status, "summary": result.summary()})
