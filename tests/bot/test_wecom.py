from __future__ import annotations

import pytest

from bot.base import ChannelError, Message
from tests.bot.helpers import digest
from tests.fakes.fixtures import MakeChannel
from tests.fakes.platforms import FakePlatforms


@pytest.fixture(autouse=True)
def robot(fakes: FakePlatforms) -> None:
    fakes.wecom.add_robot("key-1")


async def test_it_sends_markdown(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    channel = make_channel("wecom", key="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-1")
    [receipt] = await channel.send(Message(title="自查提醒", body="本月自查尚未完成", link="http://portal.test/s",
                                           at_user_ids=("zhangsan",)))
    assert receipt.status == "errcode=0 ok"
    assert [m.payload for m in fakes.wecom.delivered] == [{"msgtype": "markdown", "markdown": {
        "content": "**自查提醒**\n\n本月自查尚未完成\n\n[查看详情](http://portal.test/s)\n\n<@zhangsan>"}}]
    assert fakes.log == ["POST /wecom/cgi-bin/webhook/send > 200"]


async def test_a_bad_key_is_permanent(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("wecom", key="nope").send(Message(title="t", body="b"))
    assert (refused.value.permanent, refused.value.code) == (True, "93000")


async def test_it_splits_under_4096_bytes(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    receipts = await make_channel("wecom", key="key-1").send(digest(100))
    assert len(fakes.wecom.delivered) == len(receipts) >= 3
    assert all(len(m.content.encode()) <= 4096 for m in fakes.wecom.delivered)


async def test_the_platform_refuses_oversized_content(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("wecom", key="key-1").send_part(digest(100))
    assert (refused.value.permanent, refused.value.code) == (True, "40058")


async def test_it_maps_throttling_to_rate_limited(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    channel = make_channel("wecom", key="key-1")
    for i in range(20):
        await channel.send(Message(title="t", body=str(i)))
    with pytest.raises(ChannelError) as throttled:
        await channel.send(Message(title="t", body="21"))
    assert (throttled.value.rate_limited, throttled.value.code, throttled.value.retry_after) == (True, "45009", 60.0)
    assert (fakes.wecom.rate_violations, len(fakes.wecom.delivered)) == (1, 20)


async def test_a_server_error_is_transient(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as failed:
        await make_channel("wecom", key="key-1").send(Message(title="t", body="__500__"))
    assert (failed.value.permanent, failed.value.rate_limited) == (False, False)
