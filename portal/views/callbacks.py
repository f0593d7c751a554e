"""Machine callbacks: Aliyun SMS delivery receipts (SmsReport, HTTP batch push).

Aliyun POSTs a JSON array, one object per phone number, and retries until it gets
``{"code": 0}``. The URL carries a token derived from the secret key (no extra setting to
manage); CSRF does not apply under ``/callbacks/`` (see ``portal.auth``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from models.core.db import transaction, utcnow
from models.core.settings import Settings
from models.notify.deliveries import SmsReceipt, apply_sms_receipts
from portal.keys import RUNTIME, SETTINGS

logger = logging.getLogger(__name__)
SMS_PATH = "/callbacks/sms/aliyun"


def receipt_token(settings: Settings) -> str:
    """HMAC-SHA256(secret_key, "sms-receipt"), hex, first 32 characters."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"sms-receipt", hashlib.sha256).hexdigest()[:32]


def receipt_url(settings: Settings) -> str:
    """The URL to enter in the Aliyun console (消息回执 → HTTP 批量推送)."""
    return f"{settings.public_url.rstrip('/')}{SMS_PATH}?token={receipt_token(settings)}"


def _reply(status: int, code: int, msg: str) -> web.Response:
    body = json.dumps({"code": code, "msg": msg}, ensure_ascii=False)
    return web.Response(text=body, status=status, content_type="application/json", charset="utf-8")


async def sms_receipts(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    if not hmac.compare_digest(request.query.get("token", ""), receipt_token(settings)):
        return _reply(403, 403, "token 无效")
    try:
        receipts = parse_receipts(json.loads(await request.text()), ZoneInfo(settings.tz))
    except ValueError:
        return _reply(400, 400, "请求体应为 JSON 数组")
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            outcome = await apply_sms_receipts(session, receipts=receipts)
    except Exception:  # Aliyun retries on anything but code 0, so a failed batch is not lost
        logger.exception("SMS receipts could not be stored")
        return _reply(500, 500, "处理失败，请稍后重试")
    logger.info("SMS receipts: %s matched, %s duplicate, %s unmatched", outcome.matched, outcome.duplicates,
                outcome.unmatched)
    return _reply(200, 0, "成功")


def parse_receipts(data: Any, tz: ZoneInfo) -> list[SmsReceipt]:
    """Typed receipts from the pushed array. Raises ``ValueError`` unless it is an array of objects;
    items without a BizId or phone number are skipped (they can never match)."""
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("not a JSON array of objects")
    return [_receipt(item, tz) for item in data if item.get("biz_id") and item.get("phone_number")]


def _receipt(item: dict[str, Any], tz: ZoneInfo) -> SmsReceipt:
    success = item.get("success")
    ok = success is True or str(success).lower() == "true"
    return SmsReceipt(biz_id=str(item["biz_id"]), phone=str(item["phone_number"]), success=ok,
                      err_code=str(item.get("err_code") or ""), reported_at=_time(item.get("report_time"), tz))


def _time(value: Any, tz: ZoneInfo) -> datetime:
    """Aliyun reports Beijing local time as ``2017-02-02 22:23:24``."""
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
    except ValueError:
        return utcnow()
