from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from bot import registry
from bot.base import Message
from bot.render import make_test_message
from models.core.settings import Settings
from tests.fakes.fixtures import MakeChannel


async def test_it_writes_a_readable_file(bot_settings: Settings, make_channel: MakeChannel) -> None:
    message = Message(title="超编预警", body="**某某局** 超编 2 人", link="http://portal.test/w/1", urgent=True,
                      at_mobiles=("13812345678",), idempotency_key="w-1")
    [receipt] = await make_channel("log").send(message)
    [path] = (bot_settings.var_dir / "outbox").iterdir()
    assert re.fullmatch(r"\d{8}T\d{12}-w-1\.md", path.name) and receipt.message_id == path.name
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 【紧急】超编预警\n")
    assert "- 按钮「查看详情」：http://portal.test/w/1" in text and text.endswith("\n---\n\n**某某局** 超编 2 人\n")
    assert "@*******5678" in text and "13812345678" not in text  # files on disk get masked mobiles


async def test_it_keeps_odd_keys_inside_the_outbox(bot_settings: Settings, make_channel: MakeChannel) -> None:
    await make_channel("log").send(Message(title="t", body="b", idempotency_key="../../etc/passwd"))
    [path] = (bot_settings.var_dir / "outbox").iterdir()
    assert path.name.endswith("-.._.._etc_passwd.md")


async def test_it_never_fails(bot_settings: Settings, make_channel: MakeChannel, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x", encoding="utf-8")
    channel = registry.build("log", {}, http=make_channel("log").http,
                             settings=bot_settings.model_copy(update={"var_dir": blocked}))
    [receipt] = await channel.send(Message(title="t", body="b"))
    assert receipt.status.startswith("write failed") and receipt.message_id is None


async def test_the_test_message_renders(bot_settings: Settings, make_channel: MakeChannel) -> None:
    message = make_test_message(label="本地文件（开发调试）", portal_url="http://portal.test",
                                now=datetime(2025, 3, 3, 9, 30))
    await make_channel("log").send(message)
    [path] = (bot_settings.var_dir / "outbox").iterdir()
    text = path.read_text(encoding="utf-8")
    assert "# BZOps 测试消息" in text and "- 发送时间：2025-03-03 09:30" in text
    assert message.idempotency_key == "test-20250303093000"


async def test_times_are_written_in_the_offices_zone(bot_settings: Settings, make_channel: MakeChannel) -> None:
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    before = datetime.now(UTC)
    await make_channel("log").send(Message(title="t", body="b", idempotency_key="tz"))
    [path] = (bot_settings.var_dir / "outbox").iterdir()
    stamp = re.search(r"生成时间：(\S+ \S+)（北京时间）", path.read_text(encoding="utf-8")).group(1)
    written = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(bot_settings.tz))
    assert abs(written - before) < timedelta(minutes=1)
    assert path.name.startswith(before.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%dT%H"))
