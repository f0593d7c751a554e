"""Aliyun SMS ``SendSms`` (dysmsapi, API version 2017-05-25): platforms.md §6.1.

An RPC-style call: every parameter plus the common ones (AccessKeyId, SignatureNonce,
Timestamp …) is signed with HMAC-SHA1 over ``POST&%2F&<percent-encoded canonical query>``,
key ``AccessKeySecret + "&"`` (Aliyun's RPC signature v1.0; platforms.md only says "RPC
signature"). The text itself is the approved template; we send ``TemplateParam`` only.
SendSms is not idempotent: ``OutId`` carries our key so receipts can be matched, but a retry
after a timeout can send twice, so the caller should check receipts before retrying a timeout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from bot.base import Channel, ChannelError, Message, Receipt
from bot.channels.fields import StrList
from bot.http import encode_json

API_VERSION = "2017-05-25"
MAX_NUMBERS = 1000  # §6.1: PhoneNumbers takes up to 1,000 numbers per call
LIMIT_RETRY = {"分钟": 60.0, "小时": 3600.0, "天": 86400.0}  # "触发分钟级流控Permits:1"

# Flow control on a number (per signature, template and number: notifications 50 a rolling day) or
# the account's own daily cap: the number waits until its window passes; the target is not at fault.
HOLD_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL"})
# The account or the request is wrong (key, RAM policy, signature, sign name, template, clock,
# parameters): retrying the same request cannot help until someone fixes the configuration.
_PERMANENT_PREFIXES = ("isv.", "Invalid", "Missing", "Forbidden", "Incomplete", "SignatureDoesNotMatch",
                       "Unsupported", "NoPermission")
# Aliyun's own faults, API throttling and a reused nonce (the next attempt gets a fresh one) pass.
_TRANSIENT_PREFIXES = ("isp.", "Throttling", "ServiceUnavailable", "InternalError", "SignatureNonceUsed",
                       "http_")


class SmsConfig(BaseModel):
    """An AccessKey with SMS permission, the approved signature and default template, the numbers."""

    model_config = ConfigDict(extra="forbid")

    access_key_id: str = Field(min_length=1, title="AccessKey ID")
    access_key_secret: SecretStr = Field(title="AccessKey Secret")
    sign_name: str = Field(min_length=1, title="短信签名")
    template_code: str = Field(pattern=r"^SMS_\w+$", title="默认模板 CODE（SMS_ 开头）")
    phone_numbers: StrList = Field(min_length=1, max_length=MAX_NUMBERS, title="手机号码")
    region_id: str = Field(default="cn-hangzhou", title="地域")

    @field_validator("phone_numbers")
    @classmethod
    def _mainland_mobiles(cls, numbers: list[str]) -> list[str]:
        cleaned = [n.removeprefix("+86").removeprefix("86") if len(n) > 11 else n for n in numbers]
        bad = [n for n in cleaned if not (len(n) == 11 and n.isdigit() and n.startswith("1"))]
        if bad:
            raise ValueError(f"手机号码格式不正确：{'、'.join(bad[:3])}")
        return cleaned


def percent_encode(text: str) -> str:
    """RFC 3986 encoding as Aliyun RPC signing wants it: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return quote(text, safe="~")


def rpc_signature(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    """Base64(HMAC-SHA1(key=secret + "&", msg=METHOD + "&%2F&" + encode(sorted canonical query)))."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def check_reply(reply: dict[str, Any], *, label: str) -> None:
    """Return on ``Code == "OK"``; raise the classified ``ChannelError`` otherwise."""
    code = str(reply.get("Code", ""))
    if code == "OK":
        return
    message = str(reply.get("Message", ""))
    text = f"{label}返回错误 {code}：{message}"
    if code in HOLD_CODES:
        retry = next((s for unit, s in LIMIT_RETRY.items() if unit in message), 86400.0)
        raise ChannelError(text, rate_limited=True, retry_after=retry, code=code, hold="recipient")
    if code.startswith("Throttling"):
        raise ChannelError(text, rate_limited=True, retry_after=60.0, code=code)
    raise ChannelError(text, permanent=is_permanent(code), code=code or None)


def is_permanent(code: str) -> bool:
    """Configuration and request errors are permanent; Aliyun's own faults and unknown codes are not."""
    return code.startswith(_PERMANENT_PREFIXES) and not code.startswith(_TRANSIENT_PREFIXES)


class AliyunSms(Channel[SmsConfig]):
    """One SendSms call to every configured number; the message supplies ``template_params``."""

    kind = "sms"
    label = "阿里云短信"
    Config = SmsConfig

    async def send_part(self, part: Message) -> Receipt:
        params = self.params(part)
        params["Signature"] = rpc_signature(params, self.config.access_key_secret.get_secret_value())
        # Signature errors come back as HTTP 4xx with the usual JSON body; read them too.
        reply = await self.http.request(self.kind, "POST", f"{self.settings.aliyun_sms_url.rstrip('/')}/",
                                        form=params, ok_statuses=(200, 400, 403, 404))
        check_reply(reply, label=self.label)
        return Receipt(key=part.idempotency_key, message_id=str(reply.get("BizId") or "") or None,
                       request_id=str(reply.get("RequestId") or "") or None, status="OK")

    def params(self, part: Message) -> dict[str, str]:
        """Every request parameter except ``Signature``; a fresh nonce and timestamp per call."""
        params = {
            "AccessKeyId": self.config.access_key_id, "Action": "SendSms", "Format": "JSON",
            "RegionId": self.config.region_id, "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": API_VERSION,
            "PhoneNumbers": ",".join(self.config.phone_numbers), "SignName": self.config.sign_name,
            "TemplateCode": part.template_code or self.config.template_code,
        }
        if part.template_params:  # values must be JSON strings, not numbers (isv.INVALID_JSON_PARAM)
            params["TemplateParam"] = encode_json({k: str(v) for k, v in part.template_params.items()}).decode()
        if part.idempotency_key:
            params["OutId"] = part.idempotency_key
        return params
