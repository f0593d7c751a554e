from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot import registry
from bot.base import ChannelError, Message
from bot.channels.sms import rpc_signature
from tests.fakes.fixtures import MakeChannel
from tests.fakes.platforms import FakePlatforms, sms_report
from tests.fakes.sms import expected_signature

CONFIG = {"access_key_id": "LTAI-test", "access_key_secret": "s3cret", "sign_name": "某某县编办",
          "template_code": "SMS_100001", "phone_numbers": "13812345678，+8613900001111"}
REMINDER = Message(title="自查提醒", body="（短信使用已审核模板）", idempotency_key="remind-1",
                   template_params={"unit": "某某县教育局", "days": "3"})


@pytest.fixture(autouse=True)
def account(fakes: FakePlatforms) -> None:
    fakes.sms.add_account("LTAI-test", "s3cret", sign_name="某某县编办", templates=("SMS_100001", "SMS_100002"))


async def test_it_sends_a_signed_request(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    [receipt] = await make_channel("sms", **CONFIG).send(REMINDER)
    [sms] = fakes.sms.sent
    assert (sms.phone_numbers, sms.sign_name, sms.template_code) == (["13812345678", "13900001111"], "某某县编办",
                                                                     "SMS_100001")
    assert (sms.template_params, sms.out_id) == ({"unit": "某某县教育局", "days": "3"}, "remind-1")
    assert (receipt.message_id, receipt.status, receipt.key) == (sms.biz_id, "OK", "remind-1")
    assert receipt.request_id


async def test_a_message_can_choose_the_template(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    await make_channel("sms", **CONFIG).send(Message(title="t", body="", template_code="SMS_100002"))
    assert fakes.sms.sent[0].template_code == "SMS_100002"


@pytest.mark.parametrize(("override", "code"), [({"access_key_secret": "wrong"}, "SignatureDoesNotMatch"),
                                                ({"access_key_id": "LTAI-nobody"}, "InvalidAccessKeyId.NotFound"),
                                                ({"template_code": "SMS_999"}, "isv.SMS_TEMPLATE_ILLEGAL"),
                                                ({"sign_name": "别人的签名"}, "isv.SMS_SIGNATURE_ILLEGAL")])
async def test_configuration_errors_are_permanent(fakes: FakePlatforms, make_channel: MakeChannel,
                                                  override: dict[str, str], code: str) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("sms", **{**CONFIG, **override}).send(REMINDER)
    assert (refused.value.permanent, refused.value.code) == (True, code)
    assert fakes.sms.sent == []


async def test_a_url_variable_is_refused_permanently(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as refused:
        await make_channel("sms", **CONFIG).send(Message(title="t", body="", template_params={"url": "http://x.cn"}))
    assert (refused.value.permanent, refused.value.code) == (True, "isv.PARAM_NOT_SUPPORT_URL")


def test_it_validates_mobiles_before_sending() -> None:
    with pytest.raises(ValidationError, match="手机号码格式不正确"):
        registry.parse_config("sms", {**CONFIG, "phone_numbers": ["1381234"]})


async def test_flow_control_is_rate_limited(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    fakes.sms.daily_limit = 2
    channel = make_channel("sms", **CONFIG)
    await channel.send(REMINDER)
    await channel.send(REMINDER)  # SendSms is not idempotent: the same key is sent again
    with pytest.raises(ChannelError) as limited:
        await channel.send(REMINDER)
    error = limited.value
    assert (error.rate_limited, error.code, error.retry_after) == (True, "isv.BUSINESS_LIMIT_CONTROL", 86400.0)
    assert (fakes.sms.limit_violations, len(fakes.sms.sent)) == (1, 2)


async def test_a_server_error_is_transient(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as failed:
        await make_channel("sms", **CONFIG).send(Message(title="t", body="", template_params={"x": "__500__"}))
    assert (failed.value.permanent, failed.value.code) == (False, "http_500")


def test_our_signature_matches_the_documented_recipe() -> None:
    params = {"A": "a b*c~d", "TemplateParam": '{"name":"张三/李四+1"}', "Timestamp": "2024-05-01T02:00:00Z"}
    assert rpc_signature(params, "key") == expected_signature(params, "key")


async def test_delivery_receipts_carry_the_biz_id(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    [receipt] = await make_channel("sms", **CONFIG).send(REMINDER)
    report = sms_report(fakes.sms.sent[0])
    assert [(r["phone_number"], r["biz_id"], r["out_id"], r["success"]) for r in report] == [
        ("13812345678", receipt.message_id, "remind-1", True), ("13900001111", receipt.message_id, "remind-1", True)]
    assert set(report[0]) == {"phone_number", "send_time", "report_time", "success", "err_code", "err_msg",
                              "sms_size", "biz_id", "out_id"}


@pytest.mark.parametrize(("code", "message", "expected"), [
    ("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", "permanent"),
    ("Forbidden.RAM", "User not authorized to operate on the specified resource.", "permanent"),
    ("MissingSignName", "SignName is mandatory for this action.", "permanent"),
    ("InvalidAccessKeyId.Inactive", "Specified access key is disabled.", "permanent"),
    ("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法", "permanent"),
    ("isp.SYSTEM_ERROR", "系统错误", "transient"),
    ("SignatureNonceUsed", "Specified signature nonce was used already.", "transient"),
    ("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", "transient"),
    ("SomethingNew", "未知错误", "transient"),
    ("Throttling.User", "Request was denied due to user flow control.", "target 60"),
    ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1", "recipient 60"),
    ("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5", "recipient 3600"),
    ("isv.DAY_LIMIT_CONTROL", "触发日发送限额", "recipient 86400"),
])
def test_each_error_code_is_classified(code: str, message: str, expected: str) -> None:
    from bot.channels.sms import check_reply

    with pytest.raises(ChannelError) as failed:
        check_reply({"Code": code, "Message": message}, label="短信")
    error = failed.value
    got = ("permanent" if error.permanent else f"{error.hold} {error.retry_after:.0f}" if error.rate_limited
           else "transient")
    assert got == expected and error.code == code
