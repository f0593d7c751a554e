"""``bzops item list|show|decide|submit``: in process (click's runner, the test kinds registered) and
as the installed console script in a subprocess (exit codes, Chinese output, no logins on screen)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from models.approvals.query import item_detail
from models.core.runtime import runtime
from models.staffing.scope import Scope
from portal.cli import cli
from tests.approvals.engine_fixtures import TODAY, county, file
from tests.conftest import DATA_KEY

__all__ = ["county"]
SCRIPT = Path(sys.executable).parent / "bzops"


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def bzops(settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"BZOPS_DATABASE_URL": settings.database_url, "BZOPS_DATA_KEY": DATA_KEY, "BZOPS_ENV": "development",
           "BZOPS_SECRET_KEY": settings.secret_key.get_secret_value(), "BZOPS_VAR_DIR": str(settings.var_dir),
           "BZOPS_REDIS_URL": settings.redis_url, "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120, env=env)


async def test_decide_and_show_in_process(settings, rt, county):
    item_id = (await file(rt, county)).item_id
    listed = await asyncio.to_thread(invoke, settings, "item", "list", "--as", "o1")
    assert f"#{item_id}" in listed.output and "测试事项" in listed.output and "共 1 件" in listed.output
    assert "科室初审（或签）" in listed.output
    approved = await asyncio.to_thread(invoke, settings, "item", "decide", str(item_id), "approve", "--as", "o1",
                                       "--note", "同意", "--version", "1")
    assert approved.exit_code == 0 and "已同意，转入分管领导终审" in approved.output and "版本 2" in approved.output
    again = await asyncio.to_thread(CliRunner().invoke, cli, ["item", "decide", str(item_id), "approve", "--as", "o1",
                                                              "--version", "1"], obj=settings)
    assert again.exit_code == 1 and "您已于" in again.output
    back = await asyncio.to_thread(invoke, settings, "item", "decide", str(item_id), "return", "--as", "leader",
                                   "--note", "再核", "--to-step", "1")
    assert back.exit_code == 0 and "已退回到科室初审" in back.output
    shown = await asyncio.to_thread(invoke, settings, "item", "show", str(item_id), "--as", "o2")
    for words in ("事项 #", "甲县财政局", "王专员", "科室初审（或签，第2轮）审批中", "孙局长 退回到之前的环节：再核",
                  "您可以：同意、不同意"):
        assert words in shown.output
    assert "o1" not in shown.output and "steward" not in shown.output
    data = json.loads((await asyncio.to_thread(invoke, settings, "item", "show", str(item_id), "--format",
                                               "json")).output)
    assert data["row"]["status"] == "pending" and len(data["steps"]) == 3


async def test_submit_in_process_with_fields_and_refusals(settings, rt, county):
    ok = await asyncio.to_thread(invoke, settings, "item", "submit", "--as", "steward", "--kind", "t_simple",
                                 "--unit", "C1-A", "--title", "补员", "--field", "count=2")
    assert ok.exit_code == 0 and "已提交，进入科室初审" in ok.output
    refused = await asyncio.to_thread(CliRunner().invoke, cli, ["item", "submit", "--as", "steward", "--kind",
                                                                "t_simple", "--unit", "C1-A", "--title", "补员",
                                                                "--field", "count=9"], obj=settings)
    assert refused.exit_code == 1 and "超出可用数：可用 3 名，本次申请 9 名" in refused.output
    unknown = await asyncio.to_thread(CliRunner().invoke, cli, ["item", "submit", "--as", "nobody", "--kind",
                                                                "t_simple", "--unit", "C1-A", "--title", "x"],
                                      obj=settings)
    assert unknown.exit_code == 1 and "不存在或已锁定" in unknown.output


async def test_the_console_script(settings, rt, county):
    item_id = (await file(rt, county)).item_id
    listed = await asyncio.to_thread(bzops, settings, "item", "list")
    assert listed.returncode == 0 and f"#{item_id}" in listed.stdout and "共 1 件" in listed.stdout
    refused = await asyncio.to_thread(bzops, settings, "item", "decide", str(item_id), "approve", "--as", "leader")
    assert refused.returncode == 1 and "您不是当前环节的审批人" in refused.stderr
    said = await asyncio.to_thread(bzops, settings, "item", "decide", str(item_id), "comment", "--as", "o1",
                                   "--note", "请补充材料")
    assert said.returncode == 0 and "已评论" in said.stdout
    missing = await asyncio.to_thread(bzops, settings, "item", "show", "999")
    assert missing.returncode == 1 and "事项 999 不存在" in missing.stderr
    async with runtime(settings) as other, other.sessions() as session:  # the script's comment is in the database
        detail = await item_detail(session, item_id, scope=Scope(everything=True), today=TODAY)
    assert detail is not None and detail.events[-1].note == "请补充材料"
