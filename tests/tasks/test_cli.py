"""The CLI as a user runs it: real commands, real files, real database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from portal.cli import cli
from tests.factories import make_id
from tests.files import PERSON_HEADERS, UNIT_HEADERS, person_row, unit_row, write_csv


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def fill_template(template: Path, rows: list[dict]) -> Path:
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    book.save(template)
    return template


def test_it_explains_itself_in_chinese(settings):
    result = invoke(settings, "--help")
    assert result.exit_code == 0 and "机构编制实名制" in result.output
    for command in ("run", "web", "worker", "migrate", "seed", "import", "export", "template", "user"):
        assert command in result.output
    assert "--partial" in invoke(settings, "import", "--help").output


def test_it_imports_a_filled_template_and_exports_it_back(settings, rt, tmp_path: Path):
    units = invoke(settings, "template", "units", str(tmp_path / "units.xlsx"))
    assert units.exit_code == 0
    fill_template(tmp_path / "units.xlsx", [unit_row("U1"), unit_row("U2", 上级机构编码="U1")])
    assert invoke(settings, "import", "units", str(tmp_path / "units.xlsx")).exit_code == 0
    invoke(settings, "template", "persons", str(tmp_path / "persons.xlsx"))
    rows = [person_row(make_id(seq=101), "U1"), person_row(make_id(seq=102), "U2", 学历="")]
    fill_template(tmp_path / "persons.xlsx", rows)
    result = invoke(settings, "import", "persons", str(tmp_path / "persons.xlsx"))
    assert result.exit_code == 0 and "新增2" in result.output, result.output
    out = tmp_path / "incomplete.csv"
    assert invoke(settings, "export", "persons", "--incomplete", str(out)).exit_code == 0
    exported = out.read_text(encoding="utf-8-sig").splitlines()
    assert exported[0].split(",")[:3] == ["身份证号", "姓名", "性别"] and len(exported) == 2
    assert exported[1].startswith(make_id(seq=102))


def test_it_refuses_a_bad_file_with_a_report_and_exit_code_1(settings, rt, tmp_path: Path):
    source = write_csv(tmp_path / "units.csv", UNIT_HEADERS, [unit_row("U1"), unit_row("U2", 机构类别="企业")])
    result = invoke(settings, "import", "units", str(source))
    assert result.exit_code == 1
    assert "第3行 G列（机构类别）" in result.output and "未导入任何数据" in result.output
    assert (tmp_path / "units.错误报告.xlsx").exists()
    listing = write_csv(tmp_path / "p.csv", PERSON_HEADERS, [])
    assert invoke(settings, "import", "persons", str(listing)).exit_code == 0


def test_it_keeps_valid_rows_with_partial_and_exit_code_3(settings, rt, tmp_path: Path):
    source = write_csv(tmp_path / "units.csv", UNIT_HEADERS, [unit_row("U1"), unit_row("U2", 机构类别="企业")])
    result = invoke(settings, "import", "units", "--partial", str(source))
    assert result.exit_code == 3 and "新增1" in result.output


def test_it_says_clearly_what_is_wrong_with_a_file(settings, rt, tmp_path: Path):
    bad = tmp_path / "units.txt"
    bad.write_text("x")
    result = CliRunner().invoke(cli, ["import", "units", str(bad)], obj=settings)
    assert result.exit_code == 1 and "请使用 .xlsx 或 .csv" in result.output and "Traceback" not in result.output


def test_it_manages_accounts(settings, rt):
    invoke(settings, "template", "units", "/dev/null")
    created = invoke(settings, "user", "create", "kz", "--name", "孔专员", "--role", "admin",
                     "--password", "long-enough-1")
    assert created.exit_code == 0, created.output
    assert "孔专员" in invoke(settings, "user", "list").output
    short = CliRunner().invoke(cli, ["user", "create", "x", "--name", "x", "--role", "admin", "--password", "short"],
                               obj=settings)
    assert short.exit_code == 1 and "密码至少8位" in short.output


def test_it_fails_fast_with_advice_when_redis_is_down(settings):
    down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    for command in (["worker"], ["run"]):
        result = CliRunner().invoke(cli, command, obj=down)
        assert result.exit_code == 1 and "无法连接 Redis" in result.output and "redis-server" in result.output
        assert "Traceback" not in result.output
