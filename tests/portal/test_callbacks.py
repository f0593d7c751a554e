"""Aliyun SMS delivery receipts: sent through the fake SendSms, pushed back to the callback."""

from __future__ import annotations

import json

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.http import ApiClient
from models.core.db import transaction
from models.core.runtime import Runtime
from models.core.tables import AuditLog
from models.notify.tables import Delivery, Outbox
from models.notify.targets import TargetSpec, create_target
from portal.views.callbacks import receipt_token
from tasks.notify.send import send_one
from tests.fakes.fixtures import fakes
from tests.fakes.platforms import sms_report

__all__ = ["fakes"]
KEY_SECRET = "aliyun-secret-5c1e7b"
PHONES = ["13800138000", "13900139000"]


@pytest.fixture
async def sent_sms(rt, redis, fakes, settings, world):
    """One SMS to two numbers, really sent through the fake SendSms; returns the fake's record."""
    fakes.sms.add_account("LTAI-test", KEY_SECRET)
    config = {"access_key_id": "LTAI-test", "access_key_secret": KEY_SECRET, "sign_name": "某某县编办",
              "template_code": "SMS_100001", "phone_numbers": PHONES}
    async with transaction(rt.sessions) as session:
        target = await create_target(session, rt.cipher, TargetSpec("值班短信", "sms", config), actor="test")
        row = Outbox(target_id=target.id, purpose="test", title="测试", body="测试", idempotency_key="sms-1")
        session.add(row)
    fake_rt = Runtime(settings.model_copy(update={"aliyun_sms_url": fakes.url("sms"), "allow_private_urls": True}),
                      rt.engine, rt.sessions, rt.cipher)
    async with aiohttp.ClientSession() as session:
        assert (await send_one(fake_rt, redis, ApiClient(session, allow_private=True), row.id, "t")).status == "sent"
    [sms] = fakes.sms.sent
    return sms


def url(settings, token: str | None = None) -> str:
    return f"/callbacks/sms/aliyun?token={receipt_token(settings) if token is None else token}"


async def push(client, settings, body, token: str | None = None):
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return await client.post(url(settings, token), data=data, headers={"Content-Type": "application/json"})


async def delivery(rt) -> Delivery:
    async with rt.sessions() as session:
        return (await session.scalars(select(Delivery))).one()


async def applied(rt) -> int:
    async with rt.sessions() as session:
        return await session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "sms.receipt"))


async def test_a_receipt_is_matched_by_biz_id_and_a_duplicate_is_ignored(client, settings, rt, sent_sms):
    assert (await delivery(rt)).message_id == sent_sms.biz_id
    response = await push(client, settings, sms_report(sent_sms))
    assert response.status == 200 and await response.json() == {"code": 0, "msg": "成功"}
    row = await delivery(rt)
    assert row.receipt_status == "DELIVERED" and row.receipt_at is not None
    assert await applied(rt) == 2  # one per phone number
    again = await push(client, settings, sms_report(sent_sms))
    assert again.status == 200 and (await again.json())["code"] == 0 and await applied(rt) == 2


async def test_a_failure_for_one_number_is_kept_over_a_later_success(client, settings, rt, sent_sms):
    [first, second] = sms_report(sent_sms)
    failed = {**first, "success": False, "err_code": "MOBILE_NOT_ON_SERVICE", "err_msg": "停机"}
    await push(client, settings, [failed])
    await push(client, settings, [second])
    assert (await delivery(rt)).receipt_status == "MOBILE_NOT_ON_SERVICE"
    await push(client, settings, [first])  # the same number again, now "success": a duplicate
    assert (await delivery(rt)).receipt_status == "MOBILE_NOT_ON_SERVICE"


async def test_the_detail_page_shows_the_receipt_and_the_callback_url_not_the_secret(as_user, settings, rt, sent_sms):
    client = await as_user("admin")
    await push(client, settings, sms_report(sent_sms))
    target_id = (await delivery(rt)).target_id
    html = await (await client.get(f"/admin/targets/{target_id}")).text()
    assert "已送达" in html and sent_sms.biz_id not in html, "platform message ids are not for people"
    assert f"http://portal.test/callbacks/sms/aliyun?token={receipt_token(settings)}" in html
    edit = await (await client.get(f"/admin/targets/{target_id}/edit")).text()
    assert KEY_SECRET not in html + edit
    assert "13800138000, 13900139000" in edit


@pytest.mark.parametrize("token", ["", "wrong", None])
async def test_a_bad_token_is_refused(client, settings, rt, token):
    target = url(settings, token).split("?")[0] if token is None else url(settings, token)
    response = await client.post(target, data="[]", headers={"Content-Type": "application/json"})
    assert response.status == 403


@pytest.mark.parametrize("body", ["{}", "not json", "[1, 2]", '{"biz_id": "1"}', "\udcff"])
async def test_a_body_that_is_not_an_array_of_objects_is_refused(client, settings, rt, body):
    data = body.encode("utf-8", "surrogateescape")
    response = await client.post(url(settings), data=data, headers={"Content-Type": "application/json"})
    assert response.status == 400 and (await response.json())["code"] == 400


async def test_unknown_receipts_are_acknowledged_so_aliyun_stops_retrying(client, settings, rt):
    receipt = {"phone_number": PHONES[0], "success": True, "biz_id": "123^0", "err_code": "DELIVERED",
               "report_time": "2026-11-23 10:00:05"}
    response = await push(client, settings, [receipt, {"no": "ids"}])
    assert response.status == 200 and (await response.json())["code"] == 0 and await applied(rt) == 0
