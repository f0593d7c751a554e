"""Hostile or broken import files: every bad cell is a row/column error, every bad file a clear
refusal, every batch ends (never ``running``), and memory stays bounded."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlmodel import col

from models.core.audit import recent
from models.staffing.tables import ImportBatch, Person
from tasks.importing.cells import CONTROL_REASON, MAX_CELL
from tasks.importing.persons import import_persons
from tasks.importing.reader import FileError
from tasks.importing.units import import_units
from tasks.importing.xlsx import XlsxLimits, open_book
from tests.factories import add_units, make_id, unit_record
from tests.files import PERSON_HEADERS, UNIT_HEADERS, person_row, unit_row, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


async def run(rt, path: Path, **kwargs):
    return await import_persons(rt.sessions, rt.cipher, path, chunk_rows=2, **kwargs)


async def batches(rt) -> list[ImportBatch]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(ImportBatch).order_by(ImportBatch.id))).all())


async def names(rt) -> list[str]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(col(Person.name)))).all())


async def test_control_characters_are_cell_errors_and_never_stored(rt, tmp_path):
    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=101), "U1", 姓名="张\x00三"),
            person_row(make_id(seq=103), "U1", 现任职务="科\x1b员"), person_row(make_id(seq=105), "U1", 姓名="王五")]
    result = await run(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    assert not result.committed and await names(rt) == []
    assert [(p.row, p.header, p.value, p.reason) for p in result.problems] == [
        (2, "姓名", "张␀三", CONTROL_REASON), (3, "现任职务", "科␛员", CONTROL_REASON)]
    assert [(b.status, b.finished_at is not None) for b in await batches(rt)] == [("refused", True)]
    report = [[c.value for c in row] for row in load_workbook(result.report).active.iter_rows(min_row=2)]
    assert report[0][3] == "张␀三"
    partial = await run(rt, write_csv(tmp_path / "q.csv", PERSON_HEADERS, rows), partial=True)
    assert partial.committed and await names(rt) == ["王五"]


async def test_a_128_kb_field_is_a_cell_error_in_csv_and_xlsx(rt, tmp_path):
    await add_units(rt, unit_record("U1"))
    huge = "长" * (128 * 1024)
    rows = [person_row(make_id(seq=101), "U1", 姓名=huge), person_row(make_id(seq=103), "U1", 编制类型="x" * 5000)]
    files = (write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows), write_xlsx(tmp_path / "p.xlsx", PERSON_HEADERS, rows))
    for path in files:
        result = await run(rt, path)
        found = [(p.row, p.header, p.reason[:4]) for p in result.problems]  # .xlsx cells hold 32,767 at most
        assert found == [(2, "姓名", "内容过长"), (3, "编制类型", "内容过长")], path.name
        assert result.problems[1].reason == f"内容过长（5000字），单元格最多{MAX_CELL}字"
        assert len(result.problems[0].value) <= 40
    assert await names(rt) == []


async def test_an_unreadable_file_ends_its_batch_as_failed_with_the_reason(rt, tmp_path):
    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=101), "U1"), person_row(make_id(seq=103), "U1", 姓名="x" * (2 << 20))]
    with pytest.raises(FileError, match="第3行附近无法读取") as refused:
        await run(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    assert refused.value.row == 3
    with pytest.raises(FileError, match="缺少必填列"):
        await import_units(rt.sessions, write_csv(tmp_path / "u.csv", UNIT_HEADERS[1:], [unit_row("A")]))
    [first, second] = await batches(rt)
    assert [(b.kind, b.status) for b in (first, second)] == [("persons", "failed"), ("units", "failed")]
    assert first.finished_at is not None and second.finished_at is not None
    report = load_workbook(tmp_path / "p.错误报告.xlsx").active
    assert "无法读取" in report.cell(row=2, column=5).value
    async with rt.sessions() as session:
        audited = await recent(session, action="import.persons")
    detail = audited[0].detail or {}
    assert detail["status"] == "failed" and "未导入任何数据" in detail["summary"]
    assert await names(rt) == []


class CancelAfter:
    """A progress bar that interrupts the import after some rows, like Ctrl-C or a worker shutdown."""

    def __init__(self, rows: int) -> None:
        self.rows, self.seen, self.task = rows, 0, None
        self.loop = asyncio.get_running_loop()

    def update(self, n: int) -> None:
        self.seen += n
        if self.seen == self.rows and self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)

    def close(self) -> None:
        pass


async def test_an_interrupted_import_ends_its_batch_as_failed_and_keeps_nothing(rt, tmp_path):
    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=100 + i), "U1") for i in range(400)]
    source = write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows)
    progress = CancelAfter(150)
    task = asyncio.create_task(run(rt, source, progress=progress))
    progress.task = task
    with pytest.raises(asyncio.CancelledError):
        await task
    [batch] = await batches(rt)
    assert (batch.status, batch.finished_at is not None, batch.inserted) == ("failed", True, 0)
    assert await names(rt) == []


def shared_strings_bomb(path: Path, count: int, text: str = "ab") -> Path:
    """A valid .xlsx whose sharedStrings.xml holds ``count`` tiny strings: ~0.6 MB for 14 million."""
    base = path.with_suffix(".base.xlsx")
    book = Workbook()
    book.active.append(["身份证号", "姓名"])
    book.save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            out.writestr(info, data)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst ' + MAIN + b">")
            block = f"<si><t>{text}</t></si>".encode() * 100_000
            for _ in range(count // 100_000):
                part.write(block)
            part.write(b"</sst>")
    base.unlink()
    return path


# The peak is this process's own high-water mark (VmHWM): ru_maxrss would carry the forking test
# process's size across exec.
PROBE = """
import json, re, sys
from pathlib import Path
from tasks.importing.columns import PERSON_COLUMNS
from tasks.importing.reader import FileError, open_table
try:
    with open_table(Path(sys.argv[1]), PERSON_COLUMNS) as table:
        error = ""
except FileError as refused:
    error = str(refused)
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"error": error, "peak_mib": peak / 1024}))
"""


def test_a_shared_strings_bomb_is_refused_in_bounded_memory_and_time(tmp_path):
    bomb = shared_strings_bomb(tmp_path / "bomb.xlsx", 14_000_000)
    assert bomb.stat().st_size < 1 << 20, "a small file …"
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size > 200 << 20, "… that expands a thousandfold"
    done = subprocess.run([sys.executable, "-c", PROBE, str(bomb)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    measured = json.loads(done.stdout)
    assert "压缩比异常" in measured["error"]
    assert measured["peak_mib"] < 150, measured  # openpyxl alone took 927 MB for such a file


def test_shared_strings_are_capped_while_parsed_and_other_parts_by_size(tmp_path):
    many = shared_strings_bomb(tmp_path / "many.xlsx", 100_000, text="身份证号码")
    with pytest.raises(FileError, match="文本过多"):
        open_book(many, XlsxLimits(max_strings=60_000))
    with pytest.raises(FileError, match="文本过多"):
        open_book(many, XlsxLimits(max_chars=300_000))
    book = open_book(many, XlsxLimits(max_strings=200_000))
    assert next(book.worksheets[0].iter_rows(values_only=True)) == ("身份证号", "姓名")
    book.close()
    with pytest.raises(FileError, match="部分过大"):
        open_book(many, XlsxLimits(max_part=4_000))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(FileError, match="损坏"):
        open_book(fake)


async def test_a_bomb_import_fails_its_batch_with_a_chinese_reason(rt, tmp_path):
    bomb = shared_strings_bomb(tmp_path / "bomb.xlsx", 14_000_000)
    with pytest.raises(FileError, match="疑似恶意构造"):
        await run(rt, bomb)
    assert [b.status for b in await batches(rt)] == ["failed"]
