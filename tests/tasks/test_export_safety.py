"""Every spreadsheet the project writes shows cells literally, and exports of personal data are
owner-only files written after an audit row."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from models.core.audit import recent
from models.core.runtime import runtime
from portal.cli import cli
from tasks.importing.columns import PERSON_COLUMNS
from tasks.importing.export import PersonSelection, TableWriter, export_persons, export_records
from tasks.importing.persons import import_persons
from tasks.importing.report import Problem, write_report
from tasks.importing.safe_cells import csv_row, unescape
from tasks.importing.templates import write_template
from tests.factories import add_persons, add_units, make_id, person_record, unit_record

HOSTILE = ["=HYPERLINK(\"http://evil.test\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]


def values(path: Path) -> list[object]:
    return [cell.value for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for cell in row]


async def hostile_persons(rt) -> None:
    await add_units(rt, unit_record("U1"))
    await add_persons(rt, *(person_record("U1", seq=101 + i, name=f"张{i}", post_title=text)
                            for i, text in enumerate(HOSTILE)))


async def export(rt, out: Path, actor: str = "admin") -> int:
    return await export_persons(rt.sessions, rt.cipher, out, selection=PersonSelection(), actor=actor)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_exports_write_formula_like_text_as_text_and_import_back_unchanged(rt, tmp_path, suffix):
    await hostile_persons(rt)
    out = tmp_path / f"persons{suffix}"
    assert await export(rt, out) == len(HOSTILE)
    if suffix == ".xlsx":
        assert formula_cells(out) == []
        shown = values(out)
        assert all(text.strip() in [str(v).strip() for v in shown] for text in HOSTILE)
        sheet = load_workbook(out).active
        assert all(c.quotePrefix for row in sheet.iter_rows(min_row=2) for c in row
                   if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@"))
    else:
        cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert "'=HYPERLINK(\"http://evil.test\",\"点我\")" in cells
    again = await import_persons(rt.sessions, rt.cipher, out)
    assert again.committed and again.counts.unchanged == len(HOSTILE), [p.describe() for p in again.problems]


async def test_a_persons_export_is_owner_only_and_audited_with_who_what_and_how_many(rt, tmp_path):
    await hostile_persons(rt)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "persons.csv"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o644)
    previous = os.umask(0)  # even with a careless umask
    try:
        await export(rt, out, actor="王专员")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["persons.csv"], "no temporary file left behind"
    async with rt.sessions() as session:
        [row] = await recent(session, action="export.persons")
    detail = row.detail or {}
    assert (row.actor, detail["rows"], detail["file"]) == ("王专员", len(HOSTILE), str(out.resolve()))
    assert detail["contains"] == ["身份证号", "手机号"] and detail["unit"] == "全部"


async def test_a_failed_export_leaves_no_file(rt, tmp_path):
    await hostile_persons(rt)

    async def broken():
        yield person_record("U1")
        raise RuntimeError("database went away")

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        await export_records(broken(), folder / "p.xlsx", "人员", PERSON_COLUMNS)
    assert list(folder.iterdir()) == []


async def test_a_control_character_stored_earlier_does_not_break_the_xlsx_export(rt, tmp_path):
    await add_units(rt, unit_record("U1"))
    await add_persons(rt, person_record("U1", seq=101, name="张\x07三\x1b"))  # PostgreSQL refuses NUL itself
    out = tmp_path / "p.xlsx"
    assert await export(rt, out) == 1
    assert "张␇三␛" in values(out)


def test_the_error_report_and_the_template_hold_no_formulas(tmp_path):
    report = write_report(tmp_path / "r.xlsx", [Problem(2, 1, "姓名", "=1+1", "原因"),
                                                Problem(3, 1, "姓名", "张\x00三", "@原因")])
    assert formula_cells(report) == [] and "=1+1" in values(report) and "张␀三" in values(report)
    template = write_template("persons", tmp_path / "t.xlsx")
    assert formula_cells(template) == []


def test_csv_cells_are_escaped_and_unescaped_symmetrically():
    row = ["张三", "=1+1", "-", "'=x", 3, None, "a\x00b", "\t=1", "\r=1", "a\n=b"]
    escaped = csv_row(row)
    assert escaped == ["张三", "'=1+1", "'-", "''=x", 3, None, "a␀b", "'\t=1", "'\r=1", "a\n=b"]
    assert csv_row(["\t=1", "x"]) == ["'\t=1", "x"] and csv_row(["x", "@a"]) == ["x", "'@a"]
    assert [unescape(v) if isinstance(v, str) else v for v in escaped][:4] == ["张三", "=1+1", "-", "'=x"]
    assert csv_row(["a", "b"]) == ["a", "b"]


def test_the_cli_listing_of_warnings_is_inert_csv(settings, rt):
    async def _go() -> None:
        async with runtime(settings) as runtime_:
            await add_units(runtime_, unit_record("=cmd|'/c calc'!A1", quotas={"XZ": 1}))
            await add_persons(runtime_, person_record("=cmd|'/c calc'!A1", seq=101),
                              person_record("=cmd|'/c calc'!A1", seq=103))
    asyncio.run(_go())
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "--as-of", "2026-11-23"], obj=settings).exit_code == 0
    output = runner.invoke(cli, ["warnings", "--format", "csv"], obj=settings, catch_exceptions=False).output
    cells = [c for row in csv.reader(io.StringIO(output)) for c in row]
    assert "'=cmd|'/c calc'!A1" in cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_the_export_command_takes_an_actor_and_writes_an_owner_only_file(settings, rt, tmp_path):
    async def _go() -> None:
        async with runtime(settings) as runtime_:
            await add_units(runtime_, unit_record("U1"))
            await add_persons(runtime_, person_record("U1", seq=101))
    asyncio.run(_go())
    out = tmp_path / "all.xlsx"
    result = CliRunner().invoke(cli, ["export", "persons", str(out), "--actor", "admin"], obj=settings,
                                catch_exceptions=False)
    assert result.exit_code == 0 and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert make_id(seq=101) in values(out)

    async def audited() -> list[str]:
        async with runtime(settings) as runtime_, runtime_.sessions() as session:
            return [r.actor for r in await recent(session, action="export.persons")]
    assert asyncio.run(audited()) == ["admin"]


def test_a_table_writer_creates_nothing_readable_by_others_even_while_writing(tmp_path):
    writer = TableWriter(tmp_path / "x.csv", "人员", PERSON_COLUMNS)
    try:
        [temp] = list(tmp_path.iterdir())
        assert stat.S_IMODE(temp.stat().st_mode) == 0o600 and not (tmp_path / "x.csv").exists()
    finally:
        writer.discard()
    assert list(tmp_path.iterdir()) == []
