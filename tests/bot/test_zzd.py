from __future__ import annotations

import pytest

from bot.base import ChannelError, Message
from tests.bot.helpers import digest
from tests.fakes.fixtures import MakeChannel
from tests.fakes.platforms import FakePlatforms

APP = {"app_key": "bzops-ak", "app_secret": "bzops-sk", "tenant_id": "T100"}


@pytest.fixture(autouse=True)
def zzd_app(fakes: FakePlatforms) -> None:
    fakes.zzd.add_app("bzops-ak", "bzops-sk", "T100")


async def test_it_sends_a_signed_work_notification(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    channel = make_channel("zzd_work", **APP, receiver_ids="acc1, acc2", organization_codes=["GO_1"])
    [receipt] = await channel.send(Message(title="待审批", body="用编申请 1 件", link="http://portal.test/i/7",
                                           action_label="去处理", idempotency_key="n-1"))
    [sent] = fakes.zzd.notifications
    assert {k: sent.params[k] for k in ("tenantId", "receiverIds", "organizationCodes", "bizMsgId")} == {
        "tenantId": "T100", "receiverIds": "acc1,acc2", "organizationCodes": "GO_1", "bizMsgId": "n-1"}
    assert sent.msg == {"msgtype": "action_card", "action_card": {
        "title": "待审批", "markdown": "#### 待审批\n\n用编申请 1 件", "single_title": "去处理",
        "single_url": "http://portal.test/i/7"}}
    assert receipt.message_id and receipt.request_id and receipt.key == "n-1"
    assert fakes.log == ["GET /zzd/gettoken.json > 200", "POST /zzd/message/workNotification > 200"]


async def test_it_caches_the_access_token(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    for key in ("a", "b", "c"):
        await make_channel("zzd_work", **APP, receiver_ids=["acc1"]).send(Message(title="t", body=key,
                                                                                 idempotency_key=key))
    assert (fakes.zzd.token_requests, len(fakes.zzd.notifications)) == (1, 3)


async def test_it_fetches_a_new_token_when_the_old_one_is_refused(fakes: FakePlatforms,
                                                                  make_channel: MakeChannel) -> None:
    channel = make_channel("zzd_work", **APP, receiver_ids=["acc1"])
    await channel.send(Message(title="t", body="1", idempotency_key="1"))
    fakes.clock.advance(7300)  # the platform expired the token earlier than our cache expected
    await channel.send(Message(title="t", body="2", idempotency_key="2"))
    assert (fakes.zzd.token_requests, len(fakes.zzd.notifications)) == (2, 2)


async def test_it_refuses_a_wrong_secret_permanently(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    channel = make_channel("zzd_work", **{**APP, "app_secret": "wrong"}, receiver_ids=["acc1"])
    with pytest.raises(ChannelError) as refused:
        await channel.send(Message(title="t", body="b"))
    assert (refused.value.permanent, refused.value.code) == (True, "OPF-B001-05-16-0009")
    assert (fakes.zzd.signature_failures, fakes.zzd.notifications) == (1, [])


async def test_a_resent_biz_msg_id_is_not_delivered_twice(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    channel = make_channel("zzd_work", **APP, receiver_ids=["acc1"])
    message = Message(title="超编预警", body="某某局超编 2 人", idempotency_key="delivery-7")
    [first], [again] = await channel.send(message), await channel.send(message)
    assert (first.status, again.status) == ("responseCode=0", "duplicate")
    assert (len(fakes.zzd.notifications), fakes.zzd.duplicates) == (1, 1)


async def test_it_splits_a_digest_into_2048_byte_messages(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    receipts = await make_channel("zzd_work", **APP, receiver_ids=["acc1"]).send(digest(40, link="http://p.test/d"))
    sent = fakes.zzd.notifications
    assert len(sent) == len(receipts) >= 3
    assert all(len(s.params["msg"].encode()) <= 2048 for s in sent)
    assert [s.params["bizMsgId"] for s in sent] == [f"digest-1-p{k}" for k in range(1, len(sent) + 1)]


async def test_the_platform_refuses_an_oversized_msg(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("zzd_work", **APP, receiver_ids=["acc1"]).send_part(digest(40))
    assert refused.value.permanent


async def test_it_maps_throttling_to_rate_limited(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as throttled:
        await make_channel("zzd_work", **APP, receiver_ids=["acc1"]).send(Message(title="t", body="__throttle__"))
    assert (throttled.value.rate_limited, throttled.value.retry_after) == (True, 60.0)


async def test_it_needs_a_receiver(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("zzd_work", **APP).send(Message(title="t", body="b"))
    assert (refused.value.permanent, refused.value.code) == (True, "no_receivers")


async def test_a_server_error_is_transient(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as failed:
        await make_channel("zzd_work", **APP, receiver_ids=["acc1"]).send(Message(title="t", body="__500__"))
    assert (failed.value.permanent, failed.value.code) == (False, "http_500")


async def test_it_sends_a_group_message(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    channel = make_channel("zzd_group", **APP, chat_id="chat-9", sender_id="acc0")
    await channel.send(Message(title="红黑榜发布", body="本月红榜 10 家", link="http://portal.test/l"))
    [sent] = fakes.zzd.group_messages
    assert {k: sent.params[k] for k in ("chatType", "chatId", "senderId", "tenantId")} == {
        "chatType": "2", "chatId": "chat-9", "senderId": "acc0", "tenantId": "T100"}
    assert sent.msg == {"msgtype": "markdown", "markdown": {
        "title": "红黑榜发布", "text": "#### 红黑榜发布\n\n本月红榜 10 家\n\n[查看详情](http://portal.test/l)"}}


def test_parameters_are_signed_as_the_sdk_joins_them() -> None:
    from bot.channels.zzd_api import canonical_params, sendable, string_to_sign

    params = sendable({"a": "1", "a-b": "2", "tenantId": "T1", "organizationCodes": "", "senderId": None})
    assert params == {"a": "1", "a-b": "2", "tenantId": "T1"}, "blank values are neither sent nor signed"
    assert canonical_params(params) == "a-b=2&a=1&tenantId=T1", "pairs sorted as whole strings"
    assert string_to_sign("POST", "ts", "n", "/p", {}) == "POST\nts\nn\n/p"


async def test_a_notification_to_receivers_only_leaves_organisations_out(fakes: FakePlatforms,
                                                                         make_channel: MakeChannel) -> None:
    channel = make_channel("zzd_work", **APP, receiver_ids=["acc1"])
    await channel.send(Message(title="t", body="b", idempotency_key="n-9"))
    [sent] = fakes.zzd.notifications
    assert "organizationCodes" not in sent.params and fakes.zzd.signature_failures == 0
