from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from models.staffing.tables import Person, PersonEvent
from tasks.importing.persons import import_persons
from tests.factories import add_units, make_id, unit_record
from tests.files import PERSON_HEADERS, person_row, write_csv, write_xlsx

TODAY = date(2026, 11, 23)


async def persons(rt) -> list[Person]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Person).order_by(Person.id))).all())


async def events(rt) -> list[PersonEvent]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(PersonEvent).order_by(PersonEvent.id))).all())


async def run_import(rt, path: Path, **kwargs):
    return await import_persons(rt.sessions, rt.cipher, path, today=TODAY, chunk_rows=2, **kwargs)


async def test_it_imports_good_rows_with_ids_encrypted_and_masked(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"), unit_record("U2"))
    ids = [make_id(seq=s) for s in (101, 102, 103)]
    rows = [person_row(ids[0], "U1"), person_row(ids[1], "U1", 姓名="王芳"), person_row(ids[2], "U2")]
    result = await run_import(rt, write_xlsx(tmp_path / "p.xlsx", PERSON_HEADERS, rows))
    assert result.committed and result.counts.inserted == 3, [p.describe() for p in result.problems]
    stored = await persons(rt)
    assert [p.id_masked for p in stored] == [f"{i[:4]}{'*' * 14}" for i in ids]
    assert {p.id_area for p in stored} == {ids[0][:4]}, "only the city part of the area code in clear"
    assert all(ids[0].encode() not in p.id_enc for p in stored)
    assert rt.cipher.decrypt(stored[1].id_enc) == ids[1] and stored[1].sex == "F"
    assert stored[0].mobile_masked == "*******1111"
    assert [e.kind for e in await events(rt)] == ["create"] * 3


async def test_it_refuses_bad_rows_naming_row_and_column_and_changes_nothing(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    good = make_id(seq=101)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        person_row(good, "U1"),
        person_row(wrong_check, "U1"),
        person_row(make_id(seq=103), "U1", 性别="女"),
        person_row(make_id(seq=105), "NOPE"),
        person_row(make_id(seq=107), "U1", 入编日期="2023/13/01", 手机号="12345"),
    ]
    result = await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    assert not result.committed and await persons(rt) == []
    found = {(p.row, p.header) for p in result.problems}
    assert found == {(3, "身份证号"), (4, "性别"), (5, "编制所在机构编码"), (5, "任职机构编码"), (6, "入编日期"),
                     (6, "手机号")}
    sheet = load_workbook(result.report).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    id_problem = next(v for v in values if v[2] == "身份证号")
    assert id_problem[1] == "A" and "*" in id_problem[3] and "校验" in id_problem[4]


async def test_it_keeps_good_rows_with_partial(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=101), "U1"), person_row(make_id(seq=102), "U1", 人员身份="临时工")]
    result = await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows), partial=True)
    assert result.committed and result.counts.inserted == 1 and result.bad_rows == 1 and result.report


async def test_it_updates_on_reimport_and_records_before_and_after(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    number = make_id(seq=101)
    await run_import(rt, write_csv(tmp_path / "1.csv", PERSON_HEADERS, [person_row(number, "U1")]))
    changed = person_row(number, "U1", 现任职务="副科长", 手机号="13700002222")
    result = await run_import(rt, write_csv(tmp_path / "2.csv", PERSON_HEADERS, [changed]))
    assert (result.counts.inserted, result.counts.updated) == (0, 1)
    update = (await events(rt))[-1]
    assert update.kind == "update" and update.source == "import"
    assert update.changes == {"post_title": ["科员", "副科长"], "mobile": ["*******1111", "*******2222"]}
    again = await run_import(rt, write_csv(tmp_path / "3.csv", PERSON_HEADERS, [changed]))
    assert again.counts.unchanged == 1 and len(await events(rt)) == 2


async def test_it_reports_duplicates_within_the_file(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"), unit_record("U2"))
    number = make_id(seq=101)
    rows = [person_row(number, "U1"), person_row(number, "U2"), person_row(number, "U1")]
    result = await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    assert [(p.row, p.reason) for p in result.problems] == [(4, "与第2行重复：同一人员在同一机构只能有一行")]


async def test_it_accepts_every_date_spelling_and_excel_dates(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    spellings = ["2012-08-01", "2012/8/1", "20120801", datetime(2012, 8, 1)]
    rows = [person_row(make_id(seq=101 + i), "U1", 入编日期=s) for i, s in enumerate(spellings)]
    result = await run_import(rt, write_xlsx(tmp_path / "p.xlsx", PERSON_HEADERS, rows))
    assert result.committed, [p.describe() for p in result.problems]
    assert {p.entry_date for p in await persons(rt)} == {date(2012, 8, 1)}


async def test_it_explains_ids_that_excel_turned_into_numbers(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    number = make_id(seq=101)
    row = person_row(number, "U1", 身份证号=float(number[:17]))
    result = await run_import(rt, write_xlsx(tmp_path / "p.xlsx", PERSON_HEADERS, [row]))
    assert "文本格式" in result.problems[0].reason


async def test_it_explains_how_to_upgrade_a_legacy_id_without_spelling_out_the_number(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    row = person_row(make_id(seq=101), "U1", 身份证号="330106850615123")
    result = await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, [row]))
    reason = result.problems[0].reason
    assert reason.startswith("15位旧身份证号，请改为18位") and "插入“19”" in reason
    assert "123" not in reason and result.problems[0].value == "3301***********"


async def test_it_needs_exit_date_for_leavers_and_entry_date_for_members(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=101), "U1", 人员状态="退休"), person_row(make_id(seq=103), "U1", 入编日期="")]
    result = await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    assert {(p.row, p.header) for p in result.problems} == {(2, "离岗日期"), (3, "入编日期")}


async def test_it_writes_an_audit_row_for_a_refused_import(rt, tmp_path: Path):
    from models.core.audit import recent

    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=101), "U1", 身份证号="1")]
    await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    async with rt.sessions() as session:
        rows = await recent(session, action="import.persons")
    assert rows[0].detail["status"] == "refused"


async def test_it_counts_rows_across_chunks(rt, tmp_path: Path):
    await add_units(rt, unit_record("U1"))
    rows = [person_row(make_id(seq=100 + i), "U1") for i in range(7)]
    result = await run_import(rt, write_csv(tmp_path / "p.csv", PERSON_HEADERS, rows))
    assert result.counts.inserted == 7
    async with rt.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 7
