"""Internal bodies (内设机构) in import, export and templates, and the person column 任职内设机构."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from models.staffing.tables import InternalBody, Person
from tasks.importing.bodies import import_bodies
from tasks.importing.export import PersonSelection, export_bodies, export_persons
from tasks.importing.persons import import_persons
from tasks.importing.templates import write_template
from tests.factories import add_units, make_id, unit_record
from tests.files import BODY_HEADERS, PERSON_HEADERS, UNIT_HEADERS, body_row, person_row, unit_row, write_csv

TODAY = date(2026, 11, 23)


async def bodies(rt) -> dict[tuple[int, str], InternalBody]:
    async with rt.sessions() as session:
        return {(b.unit_id, b.code): b for b in (await session.scalars(select(InternalBody))).all()}


async def persons(rt) -> list[Person]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Person).order_by(Person.id))).all())


def workbook(path: Path, sheets: dict[str, tuple[list[str], list[dict[str, object]]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, (headers, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


async def test_it_reads_the_sheet_named_for_bodies_and_updates_on_reimport(rt, tmp_path: Path):
    units = await add_units(rt, unit_record("U1"), unit_record("U2"))
    rows = [body_row("U1", "01", 名称="办公室"), body_row("U1", "02", 正职职数="", 副职职数=""),
            body_row("U2", "01", 规格="副科", 正职职数="2", 副职职数="0")]
    book = workbook(tmp_path / "u.xlsx", {"机构": (UNIT_HEADERS, [unit_row("U1")]), "内设机构": (BODY_HEADERS, rows)})
    result = await import_bodies(rt.sessions, book)
    assert result.committed and result.counts.inserted == 3, [p.describe() for p in result.problems]
    found = await bodies(rt)
    office = found[(units["U1"], "01")]
    assert (office.name, office.grade, office.chief_posts, office.deputy_posts, office.approved_on) == (
        "办公室", "正科", 1, 1, date(2023, 5, 10))
    assert (found[(units["U1"], "02")].chief_posts, found[(units["U1"], "02")].deputy_posts) == (None, None)
    assert (found[(units["U2"], "01")].chief_posts, found[(units["U2"], "01")].deputy_posts) == (2, 0)
    again = [body_row("U1", "01", 名称="办公室", 状态="已撤销"),
             body_row("U2", "01", 规格="副科", 正职职数="2", 副职职数="0")]
    result = await import_bodies(rt.sessions, write_csv(tmp_path / "b.csv", BODY_HEADERS, again))
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (0, 1, 1)
    office = (await bodies(rt))[(units["U1"], "01")]
    assert (office.status, office.version) == ("abolished", 2)


async def test_it_refuses_bad_rows_naming_row_and_column_and_changes_nothing(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    rows = [body_row("U1", "01"), body_row("NOPE", "01"), body_row("U1", "02", 正职职数="-1", 副职职数="两名"),
            body_row("U1", "01"), body_row("U1", "03", 名称="", 状态="合并"), body_row("U1", "04", 规格="正" * 21)]
    result = await import_bodies(rt.sessions, write_csv(tmp_path / "b.csv", BODY_HEADERS, rows))
    assert not result.committed and await bodies(rt) == {}
    found = {(p.row, p.column, p.header) for p in result.problems}
    assert found == {(3, "A", "单位编码"), (4, "E", "正职职数"), (4, "F", "副职职数"), (5, "B", "机构编码"),
                     (6, "C", "名称"), (6, "I", "状态"), (7, "D", "规格")}
    assert "与第2行重复" in next(p.reason for p in result.problems if p.row == 5)
    partial = await import_bodies(rt.sessions, write_csv(tmp_path / "c.csv", BODY_HEADERS, rows), partial=True)
    assert partial.committed and partial.counts.inserted == 1 and partial.bad_rows == 5


async def test_a_person_holds_a_body_of_the_post_unit_named_by_code(rt, tmp_path: Path):
    units = await add_units(rt, unit_record("U1"), unit_record("U2"))
    await import_bodies(rt.sessions, write_csv(tmp_path / "b.csv", BODY_HEADERS,
                                               [body_row("U1", "01"), body_row("U2", "07")]))
    rows = [person_row(make_id(seq=101), "U1", 任职内设机构="01", 领导职务类别="内设机构正职"),
            person_row(make_id(seq=103), "U2", 任职机构编码="U1", 任职内设机构="01"),
            person_row(make_id(seq=105), "U1", 任职内设机构="07"),
            person_row(make_id(seq=107), "U1", 任职机构编码="U2", 任职内设机构="01")]
    source = write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows)
    result = await import_persons(rt.sessions, rt.cipher, source, today=TODAY, partial=True)
    assert [(p.row, p.header, p.reason) for p in result.problems] == [
        (4, "任职内设机构", "任职机构中没有该内设机构编码，请先导入内设机构"),
        (5, "任职内设机构", "任职机构中没有该内设机构编码，请先导入内设机构")]
    office = (await bodies(rt))[(units["U1"], "01")].id
    assert [p.body_id for p in await persons(rt)] == [office, office]


async def test_a_file_without_the_body_column_keeps_the_stored_bodies_an_empty_cell_clears_them(rt, tmp_path: Path):
    units = await add_units(rt, unit_record("U1"))
    await import_bodies(rt.sessions, write_csv(tmp_path / "b.csv", BODY_HEADERS, [body_row("U1", "01")]))
    first = person_row(make_id(seq=101), "U1", 任职内设机构="01")
    await import_persons(rt.sessions, rt.cipher, write_csv(tmp_path / "p.csv", PERSON_HEADERS, [first]), today=TODAY)
    office = (await bodies(rt))[(units["U1"], "01")].id
    older = [h for h in PERSON_HEADERS if h != "任职内设机构"]  # a file written before the column existed
    again = write_csv(tmp_path / "old.csv", older, [{**first, "学历": "研究生"}])
    await import_persons(rt.sessions, rt.cipher, again, today=TODAY)
    assert [(p.body_id, p.education) for p in await persons(rt)] == [(office, "研究生")]
    cleared = write_csv(tmp_path / "new.csv", PERSON_HEADERS, [{**first, "任职内设机构": ""}])
    await import_persons(rt.sessions, rt.cipher, cleared, today=TODAY)
    assert [p.body_id for p in await persons(rt)] == [None]


async def test_exports_and_templates_hold_bodies_and_import_back_unchanged(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    hostile = "=HYPERLINK(\"http://evil.test\",\"点我\")"
    await import_bodies(rt.sessions, write_csv(tmp_path / "b.csv", BODY_HEADERS, [
        body_row("U1", "01", 名称=hostile), body_row("U1", "02", 正职职数="", 状态="已撤销")]))
    await import_persons(rt.sessions, rt.cipher, write_csv(tmp_path / "p.csv", PERSON_HEADERS, [
        person_row(make_id(seq=101), "U1", 任职内设机构="01")]), today=TODAY)
    out = tmp_path / "bodies.xlsx"
    assert await export_bodies(rt.sessions, out) == 2
    sheet = load_workbook(out)["内设机构"]
    assert [c.value for c in sheet[1]] == BODY_HEADERS
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert [c.value for c in sheet[3]][4:] == [None, "1", "县委编〔2023〕9号", "2023-05-10", "已撤销"]
    again = await import_bodies(rt.sessions, out)
    assert again.committed and again.counts.unchanged == 2, [p.describe() for p in again.problems]
    people = tmp_path / "persons.csv"
    await export_persons(rt.sessions, rt.cipher, people, selection=PersonSelection(), actor="admin")
    assert (await import_persons(rt.sessions, rt.cipher, people, today=TODAY)).counts.unchanged == 1
    assert people.read_text(encoding="utf-8-sig").splitlines()[0].endswith(",任职内设机构")
    template = load_workbook(write_template("bodies", tmp_path / "t.xlsx"))
    assert template.sheetnames == ["内设机构", "填写说明"]
    assert [c.value for c in template["内设机构"][1]] == BODY_HEADERS
