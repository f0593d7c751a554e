"""A fake Aliyun SMS ``SendSms`` endpoint (RPC style, version 2017-05-25), platforms.md §6.1.

The signature is re-computed from Aliyun's documented recipe (URL-encode, then ``+``→``%20``,
``*``→``%2A``, ``%7E``→``~``; ``POST&%2F&`` + encoded canonical query; HMAC-SHA1 with
``secret + "&"``). Auth failures answer HTTP 4xx with ``Code``; business errors HTTP 200 with
an ``isv.*`` Code. Per-number flow control (notifications: ``daily_limit`` per signature +
template + number per rolling 24 h) answers isv.BUSINESS_LIMIT_CONTROL and counts
``limit_violations``. SendSms is not idempotent and neither is the fake.
``__500__`` in TemplateParam → HTTP 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from aiohttp import web

from tests.fakes.common import FakeClock, json_reply, server_error

MOBILE = re.compile(r"^1\d{10}$")
URL_IN_VALUE = re.compile(r"https?://|www\.", re.IGNORECASE)
DAY = 86400.0


@dataclass
class SentSms:
    biz_id: str
    phone_numbers: list[str]
    sign_name: str
    template_code: str
    template_params: dict[str, str]
    out_id: str | None
    send_time: datetime = field(default_factory=lambda: datetime.now(UTC))


def sms_report(sms: SentSms, *, success: bool = True, err_code: str = "DELIVERED",
               err_msg: str = "用户接收成功") -> list[dict[str, Any]]:
    """The JSON array Aliyun's HTTP batch push posts as delivery receipts (SmsReport), one per number."""
    stamp = sms.send_time.astimezone(UTC) + timedelta(hours=8)
    sent, reported = stamp.strftime("%Y-%m-%d %H:%M:%S"), (stamp + timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S")
    return [{"phone_number": phone, "send_time": sent, "report_time": reported, "success": success,
             "err_code": err_code, "err_msg": err_msg, "sms_size": "1", "biz_id": sms.biz_id,
             "out_id": sms.out_id or ""} for phone in sms.phone_numbers]


def _encode(text: str) -> str:
    return quote_plus(text, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def expected_signature(params: Mapping[str, str], secret: str) -> str:
    canonical = "&".join(f"{_encode(k)}={_encode(params[k])}" for k in sorted(params))
    text = "POST&" + _encode("/") + "&" + _encode(canonical)
    return base64.b64encode(hmac.new((secret + "&").encode(), text.encode(), hashlib.sha1).digest()).decode()


class FakeAliyunSms:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.keys: dict[str, str] = {}
        self.sign_names: set[str] = set()
        self.templates: set[str] = set()
        self.sent: list[SentSms] = []
        self.daily_limit = 50
        self.limit_violations = 0
        self._nonces: set[str] = set()
        self._counts: dict[tuple[str, str, str], deque[float]] = {}

    def add_account(self, access_key_id: str, secret: str, *, sign_name: str = "某某县编办",
                    templates: tuple[str, ...] = ("SMS_100001",)) -> None:
        self.keys[access_key_id] = secret
        self.sign_names.add(sign_name)
        self.templates.update(templates)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/", self.send_sms)
        return app

    async def send_sms(self, request: web.Request) -> web.Response:
        params = {key: str(value) for key, value in (await request.post()).items()}
        if "__500__" in params.get("TemplateParam", ""):
            return server_error()
        refusal = self._check_auth(params) or _check_business(params, self)
        if refusal:
            return refusal
        if not self._within_limits(params):
            self.limit_violations += 1
            return _code("isv.BUSINESS_LIMIT_CONTROL", f"触发天级流控Permits:{self.daily_limit}")
        sms = SentSms(f"{uuid.uuid4().int % 10**18}^0", params["PhoneNumbers"].split(","), params["SignName"],
                      params["TemplateCode"], json.loads(params.get("TemplateParam") or "{}"), params.get("OutId"))
        self.sent.append(sms)
        return json_reply({"Code": "OK", "Message": "OK", "BizId": sms.biz_id, "RequestId": str(uuid.uuid4())})

    def _check_auth(self, params: dict[str, str]) -> web.Response | None:
        secret = self.keys.get(params.get("AccessKeyId", ""))
        if secret is None:
            return _code("InvalidAccessKeyId.NotFound", "Specified access key is not found.", status=404)
        signature = params.pop("Signature", "")
        if not hmac.compare_digest(signature, expected_signature(params, secret)):
            return _code("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400)
        nonce = params.get("SignatureNonce", "")
        if not nonce or nonce in self._nonces:
            return _code("SignatureNonceUsed", "Specified signature nonce was used already.", status=400)
        self._nonces.add(nonce)
        if params.get("Action") != "SendSms" or params.get("Version") != "2017-05-25" or not _fresh(params):
            return _code("InvalidParameter", "Action, Version or Timestamp is invalid.", status=400)
        return None

    def _within_limits(self, params: Mapping[str, str]) -> bool:
        now = self.clock()
        keys = [(params["SignName"], params["TemplateCode"], phone) for phone in params["PhoneNumbers"].split(",")]
        windows = [self._counts.setdefault(key, deque()) for key in keys]
        for window in windows:
            while window and window[0] <= now - DAY:
                window.popleft()
        if any(len(window) >= self.daily_limit for window in windows):
            return False
        for window in windows:  # a message counts as soon as the submission succeeds
            window.append(now)
        return True


def _check_business(params: Mapping[str, str], fake: FakeAliyunSms) -> web.Response | None:
    phones = params.get("PhoneNumbers", "").split(",")
    if len(phones) > 1000:
        return _code("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制")
    if not all(MOBILE.match(phone) for phone in phones):
        return _code("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
    if params.get("SignName") not in fake.sign_names:
        return _code("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
    if params.get("TemplateCode") not in fake.templates:
        return _code("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
    return _check_template_param(params.get("TemplateParam"))


def _check_template_param(raw: str | None) -> web.Response | None:
    if raw is None:
        return None
    try:
        values = json.loads(raw)
    except ValueError:
        return _code("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return _code("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
    if any(URL_IN_VALUE.search(v) for v in values.values()):
        return _code("isv.PARAM_NOT_SUPPORT_URL", "不支持URL作为变量")
    return None


def _fresh(params: Mapping[str, str]) -> bool:
    try:
        sent = datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return False
    return abs(datetime.now(UTC) - sent) <= timedelta(minutes=15)


def _code(code: str, message: str, status: int = 200) -> web.Response:
    return json_reply({"Code": code, "Message": message, "RequestId": str(uuid.uuid4())}, status=status)
