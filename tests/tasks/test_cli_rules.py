"""``bzops scan``, ``bzops warnings`` and ``bzops rules`` as an admin runs them.

Sync tests: the CLI runs its own event loop. ``rt`` is requested for its clean-up."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from click.testing import CliRunner

from models.core.runtime import runtime
from portal.cli import cli
from tests.factories import add_persons, add_units, person_record, unit_record


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def over_quota(settings) -> None:
    async def _go() -> None:
        async with runtime(settings) as rt:
            await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
            await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103, mobile=None))
    asyncio.run(_go())


def test_it_scans_and_lists_warnings_in_every_format(settings, rt):
    over_quota(settings)
    scan = invoke(settings, "scan", "--as-of", "2026-11-23")
    assert scan.exit_code == 0 and "全量扫描完成（2026-11-23）" in scan.output and "新增2" in scan.output
    table = invoke(settings, "warnings")
    assert "C1_OVER_QUOTA" in table.output and "共 2 条" in table.output
    rows = list(csv.DictReader(io.StringIO(invoke(settings, "warnings", "--format", "csv").output)))
    assert {r["rule_code"] for r in rows} == {"C1_OVER_QUOTA", "A10_INCOMPLETE"}
    incomplete = next(r for r in rows if r["rule_code"] == "A10_INCOMPLETE")
    assert incomplete["masked_id"].startswith("3301") and "*" in incomplete["masked_id"]
    data = json.loads(invoke(settings, "warnings", "--format", "json", "--rule", "C1_OVER_QUOTA").output)
    assert [(d["unit_code"], d["severity"], d["subject"]) for d in data] == [("U1", "S1", data[0]["subject"])]
    assert json.loads(invoke(settings, "warnings", "--format", "json", "--unit", "NOPE").output) == []


def test_a_second_scan_is_incremental(settings, rt):
    over_quota(settings)
    invoke(settings, "scan", "--as-of", "2026-11-23")
    again = invoke(settings, "scan", "--as-of", "2026-11-23")
    assert "增量（0个机构）" in again.output


def test_it_lists_and_changes_rules_with_versions(settings, rt):
    listing = invoke(settings, "rules")
    assert "C1_OVER_QUOTA" in listing.output and "超编" in listing.output and "停用" in listing.output
    changed = invoke(settings, "rules", "set", "C3_VACANCY", "--param", "vacancy_percent=30", "--severity", "S2")
    assert changed.exit_code == 0 and "第 2 版" in changed.output
    assert '"vacancy_percent": 30' in invoke(settings, "rules").output
    bad = CliRunner().invoke(cli, ["rules", "set", "C3_VACANCY", "--param", "nope=1"], obj=settings)
    assert bad.exit_code == 1 and "没有参数 nope" in bad.output
