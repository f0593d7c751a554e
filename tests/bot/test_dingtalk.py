from __future__ import annotations

import logging

import pytest

from bot import registry
from bot.base import ChannelError, Message
from bot.http import ApiClient, encode_json
from models.core.settings import Settings
from tests.bot.helpers import SECRET, digest
from tests.fakes.fixtures import MakeChannel
from tests.fakes.platforms import FakePlatforms


@pytest.fixture
def robot(fakes: FakePlatforms) -> str:
    fakes.dingtalk.add_robot("tok-1", secret=SECRET)
    return "tok-1"


async def test_it_sends_signed_markdown(fakes: FakePlatforms, make_channel: MakeChannel, robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    receipts = await channel.send(Message(title="超编预警", body="**某某局** 超编 2 人", idempotency_key="w-1"))
    assert [(r.key, r.status) for r in receipts] == [("w-1", "errcode=0 ok")]
    assert [d.payload for d in fakes.dingtalk.delivered] == [{
        "msgtype": "markdown", "markdown": {"title": "超编预警", "text": "#### 超编预警\n\n**某某局** 超编 2 人"},
        "msgUuid": "w-1"}]
    assert fakes.log == ["POST /dingtalk/robot/send > 200"]


async def test_it_uses_an_action_card_for_a_link(fakes: FakePlatforms, make_channel: MakeChannel, robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    await channel.send(Message(title="待审批", body="用编申请 3 件", link="http://portal.test/i/1",
                               action_label="去处理", urgent=True))
    [sent] = fakes.dingtalk.delivered
    assert sent.payload["actionCard"] == {"title": "【紧急】待审批", "text": "#### 【紧急】待审批\n\n用编申请 3 件",
                                          "singleTitle": "去处理", "singleURL": "http://portal.test/i/1"}


async def test_it_mentions_in_at_and_in_text(fakes: FakePlatforms, make_channel: MakeChannel, robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    await channel.send(Message(title="自查提醒", body="本月自查尚未完成", link="http://portal.test/s",
                               at_mobiles=("13812345678",), at_user_ids=("u01",)))
    [sent] = fakes.dingtalk.delivered
    assert sent.msgtype == "markdown"  # the docs show "at" only with text/markdown
    assert sent.payload["at"] == {"atMobiles": ["13812345678"], "atUserIds": ["u01"], "isAtAll": False}
    assert sent.payload["markdown"]["text"].endswith("[查看详情](http://portal.test/s)\n\n@13812345678 @u01")


async def test_it_accepts_a_pasted_webhook_url(fakes: FakePlatforms, make_channel: MakeChannel, robot: str) -> None:
    # The host is ignored: only the token is kept, the base URL comes from settings.
    channel = make_channel("dingtalk", access_token=f"https://oapi.dingtalk.com/robot/send?access_token={robot}",
                           secret=SECRET)
    await channel.send(Message(title="t", body="b"))
    assert [d.token for d in fakes.dingtalk.delivered] == [robot]


async def test_it_adds_the_keyword_when_missing(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    fakes.dingtalk.add_robot("kw", keyword="编办")
    await make_channel("dingtalk", access_token="kw", keyword="编办").send(Message(title="预警", body="超编 1 人"))
    with pytest.raises(ChannelError) as refused:
        await make_channel("dingtalk", access_token="kw").send(Message(title="预警", body="超编 1 人"))
    assert fakes.dingtalk.delivered[0].payload["markdown"]["text"].endswith("\n\n编办")
    assert (refused.value.permanent, refused.value.code) == (True, "310000")


async def test_it_refuses_a_wrong_secret_permanently(fakes: FakePlatforms, make_channel: MakeChannel,
                                                     robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret="SECwrong")
    with pytest.raises(ChannelError) as refused:
        await channel.send(Message(title="t", body="b"))
    assert (refused.value.permanent, refused.value.code) == (True, "310000")
    assert "sign not match" in refused.value.message
    assert fakes.dingtalk.delivered == []


async def test_it_reports_clock_drift_as_permanent(fakes: FakePlatforms, make_channel: MakeChannel,
                                                   robot: str) -> None:
    fakes.dingtalk.clock_skew_ms = 2 * 3600 * 1000
    with pytest.raises(ChannelError) as refused:
        await make_channel("dingtalk", access_token=robot, secret=SECRET).send(Message(title="t", body="b"))
    assert refused.value.permanent and "invalid timestamp" in refused.value.message


@pytest.mark.parametrize(("token", "code"), [("removed", "400106"), ("disabled", "400102"), ("unknown", "400101")])
async def test_it_treats_a_dead_robot_as_permanent(make_channel: MakeChannel, token: str, code: str) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("dingtalk", access_token=token).send(Message(title="t", body="b"))
    assert (refused.value.permanent, refused.value.code) == (True, code)


@pytest.mark.parametrize(("body", "code"), [("__500__", "http_500"), ("__busy__", "-1")])
async def test_it_treats_server_trouble_as_transient(make_channel: MakeChannel, robot: str, body: str,
                                                     code: str) -> None:
    with pytest.raises(ChannelError) as failed:
        await make_channel("dingtalk", access_token=robot, secret=SECRET).send(Message(title="t", body=body))
    assert (failed.value.permanent, failed.value.rate_limited, failed.value.code) == (False, False, code)


async def test_it_splits_a_long_digest_under_the_limit(fakes: FakePlatforms, make_channel: MakeChannel,
                                                       robot: str) -> None:
    message = digest(400)
    receipts = await make_channel("dingtalk", access_token=robot, secret=SECRET).send(message)
    delivered = fakes.dingtalk.delivered
    n = len(delivered)
    assert n == len(receipts) >= 3
    assert all(len(encode_json(d.payload)) <= 20_000 for d in delivered)
    assert [d.payload["msgUuid"] for d in delivered] == [f"digest-1-p{k}" for k in range(1, n + 1)]
    titles = [d.payload["markdown"]["title"] for d in delivered]
    assert titles == ["超编预警汇总"] + [f"超编预警汇总（续 {k}/{n}）" for k in range(2, n + 1)]
    sent_lines = "\n".join(d.payload["markdown"]["text"] for d in delivered)
    assert all(line in sent_lines for line in message.body.splitlines())


async def test_a_split_digest_mentions_once_and_links_every_part(fakes: FakePlatforms, make_channel: MakeChannel,
                                                                 robot: str) -> None:
    message = digest(400, at_mobiles=("13812345678",), link="http://portal.test/d", action_label="去处理")
    await make_channel("dingtalk", access_token=robot, secret=SECRET).send(message)
    delivered = fakes.dingtalk.delivered
    assert [d.msgtype for d in delivered] == ["markdown"] + ["actionCard"] * (len(delivered) - 1)
    assert ["at" in d.payload for d in delivered] == [True] + [False] * (len(delivered) - 1)
    assert all(len(encode_json(d.payload)) <= 20_000 for d in delivered)
    assert all("http://portal.test/d" in d.text for d in delivered)


async def test_the_platform_refuses_an_oversized_body(make_channel: MakeChannel, robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    with pytest.raises(ChannelError) as refused:
        await channel.send_part(digest(400))  # bypasses split on purpose
    assert (refused.value.permanent, refused.value.code) == (True, "460101")


@pytest.mark.parametrize("errcode", [410100, 130101])
async def test_it_maps_throttling_to_rate_limited(fakes: FakePlatforms, make_channel: MakeChannel, robot: str,
                                                  errcode: int) -> None:
    fakes.dingtalk.rate_errcode = errcode
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    for i in range(20):
        await channel.send(Message(title="t", body=f"第 {i} 条", idempotency_key=f"k{i}"))
    with pytest.raises(ChannelError) as throttled:
        await channel.send(Message(title="t", body="第 21 条", idempotency_key="k21"))
    error = throttled.value
    assert (error.rate_limited, error.permanent, error.retry_after, error.code) == (True, False, 600.0, str(errcode))
    assert fakes.dingtalk.rate_violations == 1


async def test_the_throttle_lasts_ten_minutes(fakes: FakePlatforms, make_channel: MakeChannel, robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    for i in range(21):
        with pytest.raises(ChannelError) if i == 20 else _no_error():
            await channel.send(Message(title="t", body=f"{i}"))
    fakes.clock.advance(120)  # the minute is over, the penalty is not
    with pytest.raises(ChannelError):
        await channel.send(Message(title="t", body="again"))
    fakes.clock.advance(600)
    await channel.send(Message(title="t", body="after the penalty"))
    assert (len(fakes.dingtalk.delivered), fakes.dingtalk.rate_violations) == (21, 2)


async def test_a_resent_msg_uuid_is_not_delivered_twice(fakes: FakePlatforms, make_channel: MakeChannel,
                                                        robot: str) -> None:
    channel = make_channel("dingtalk", access_token=robot, secret=SECRET)
    message = Message(title="超编预警", body="某某局超编 2 人", idempotency_key="delivery-42")
    first, again = await channel.send(message), await channel.send(message)
    assert first == again
    assert (len(fakes.dingtalk.delivered), fakes.dingtalk.duplicates) == (1, 1)


async def test_zzd_robot_uses_the_zzd_host(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    fakes.zzd.robots.add_robot("zt", secret=SECRET)
    await make_channel("zzd_robot", access_token="zt", secret=SECRET).send(Message(title="t", body="b"))
    assert len(fakes.zzd.robots.delivered) == 1 and fakes.dingtalk.delivered == []
    assert fakes.log == ["POST /zzd/robot/send > 200"]


async def test_it_never_logs_or_reports_the_token(api: ApiClient, bot_settings: Settings, make_channel: MakeChannel,
                                                  robot: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await make_channel("dingtalk", access_token=robot, secret=SECRET).send(Message(title="t", body="b"))
    unreachable = bot_settings.model_copy(update={"dingtalk_api_url": "http://127.0.0.1:9"})
    channel = registry.build("dingtalk", {"access_token": robot}, http=api, settings=unreachable)
    with pytest.raises(ChannelError) as failed:
        await channel.send(Message(title="t", body="b"))
    assert failed.value.code == "network" and not failed.value.permanent
    # The fake platform's own access log sees the token, as DingTalk's would; ours must not.
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert robot not in ours and robot not in str(failed.value) and "sign=" not in ours
    assert "dingtalk POST 127.0.0.1 -> 200" in ours  # kind and host only


class _no_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
