"""浙政钉 / 专有钉钉 open-platform plumbing: header signing, the reply envelope, access tokens.

platforms.md §4.2–4.3. Every call carries ``apiKey`` + ``X-Hmac-Auth-*`` headers whose
signature covers method, timestamp, nonce, the API path and the sorted parameters; POST
parameters are form-encoded; replies are ``{success, content: {success, data, requestId,
responseCode, responseMessage}}``, with errors inside HTTP 200.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from bot.base import ChannelError
from bot.http import ApiClient, Outbound

CHINA_TZ = timezone(timedelta(hours=8))  # China has no DST, so a fixed offset is exact
TOKEN_PATH = "/gettoken.json"
Reason = Literal["duplicate", "signature", "token", "rate", "param", "other"]

# Codes other than the signature one are UNCONFIRMED, so the reply text is matched as well.
_REASON_TEXT: tuple[tuple[Reason, tuple[str, ...]], ...] = (
    ("duplicate", ("重复", "duplicate")),
    ("signature", ("signaturedoesnotmatch", "opf-b001-05-16-0009")),
    ("token", ("token",)),
    ("rate", ("流控", "限流", "频率", "throttl", "too many")),
    ("param", ("参数", "param", "超过", "exceed")),
)


class ZzdAppConfig(BaseModel):
    """The app's credentials (AppKey/AppSecret from the 专有钉钉 developer console) and tenant."""

    model_config = ConfigDict(extra="forbid")

    app_key: str = Field(min_length=1, title="AppKey")
    app_secret: SecretStr = Field(title="AppSecret")
    tenant_id: str = Field(min_length=1, title="租户 ID（tenantId）")


class ZzdReplyError(ChannelError):
    """A refused call; ``reason`` tells callers a duplicate ``bizMsgId`` from a real failure."""

    # Defaults keep the error picklable (arq stores a failed job's exception).
    def __init__(self, message: str, *, reason: Reason = "other", code: str = "") -> None:
        super().__init__(message, permanent=reason in ("signature", "param"), rate_limited=reason == "rate",
                         retry_after=60.0 if reason == "rate" else None, code=code)
        self.reason = reason


def sendable(params: Mapping[str, str | None]) -> dict[str, str]:
    """The parameters that are sent and signed: the SDK never adds a null or empty value, so a
    parameter left blank is neither in the body nor in the signature."""
    return {key: value for key, value in params.items() if value is not None and value != ""}


def canonical_params(params: Mapping[str, str]) -> str:
    """As the SDK joins them: ``key=value`` pairs (raw, not URL-encoded) sorted as whole strings,
    then joined with ``&``. Sorting the pairs, not the keys, differs when a key holds a character
    below ``=`` (``a-b`` sorts before ``a``)."""
    return "&".join(sorted(f"{key}={value}" for key, value in params.items()))


def string_to_sign(method: str, timestamp: str, nonce: str, path: str, params: Mapping[str, str]) -> str:
    """``METHOD\\nTIMESTAMP\\nNONCE\\nPATH`` plus ``\\n`` and the canonical parameters, if any."""
    lines = [method, timestamp, nonce, path]
    if params:
        lines.append(canonical_params(params))
    return "\n".join(lines)


def hmac_headers(*, app_key: str, app_secret: str, method: str, path: str, params: Mapping[str, str],
                 now: datetime | None = None) -> dict[str, str]:
    """The signed headers for one call: Base64(HMAC-SHA256(key=AppSecret, msg=string_to_sign))."""
    stamp = (now or datetime.now(CHINA_TZ)).isoformat(timespec="milliseconds")
    # The platform only asks for a fresh nonce per request; ms + 6 random digits keeps
    # concurrent workers from colliding (the SDK's seconds + 4 digits can).
    nonce = f"{int(time.time() * 1000)}{secrets.randbelow(10**6):06d}"
    text = string_to_sign(method, stamp, nonce, path, params)
    digest = hmac.new(app_secret.encode(), text.encode(), hashlib.sha256).digest()
    return {"apiKey": app_key, "X-Hmac-Auth-Timestamp": stamp, "X-Hmac-Auth-Nonce": nonce,
            "X-Hmac-Auth-Version": "1.0", "X-Hmac-Auth-Signature": base64.b64encode(digest).decode()}


def unwrap(reply: dict[str, Any], *, label: str) -> dict[str, Any]:
    """Return ``content`` of a successful reply; raise ``ZzdReplyError`` otherwise."""
    raw_content = reply.get("content")
    content: dict[str, Any] = raw_content if isinstance(raw_content, dict) else {}
    if reply.get("success") is True and content.get("success", True) is not False:
        return content
    code = str(content.get("responseCode") or reply.get("errorCode") or reply.get("errcode") or "")
    msg = str(content.get("responseMessage") or reply.get("errorMsg") or reply.get("errorMessage")
              or reply.get("errmsg") or "")
    lowered = f"{code} {msg}".lower()
    reason: Reason = next((r for r, hints in _REASON_TEXT if any(h in lowered for h in hints)), "other")
    raise ZzdReplyError(f"{label}返回错误 {code}：{msg}", reason=reason, code=code)


class ZzdApi:
    """Signed calls for one app, with its access token cached on the shared ``ApiClient``."""

    def __init__(self, *, http: ApiClient, base_url: str, config: ZzdAppConfig, kind: str, label: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.config = config
        self.kind = kind
        self.label = label
        self._token_key = f"zzd:{self.base_url}:{config.app_key}"

    async def call(self, method: Literal["GET", "POST"], path: str, given: Mapping[str, str | None]) -> dict[str, Any]:
        """One signed call; GET parameters go in the query, POST parameters in a form body."""
        params = sendable(given)

        def sign(out: Outbound) -> None:
            # Sign the API path, not the URL's: a base URL with a path prefix (tests) is not
            # part of what the platform sees behind its gateway.
            out.headers.update(hmac_headers(app_key=self.config.app_key, method=method, path=path, params=params,
                                            app_secret=self.config.app_secret.get_secret_value()))

        url = f"{self.base_url}{path}"
        if method == "GET":
            reply = await self.http.request(self.kind, method, url, params=params, sign=sign)
        else:
            reply = await self.http.request(self.kind, method, url, form=params, sign=sign)
        return unwrap(reply, label=self.label)

    async def call_with_token(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        """POST with ``access_token``; a rejected token is dropped and the call retried once."""
        try:
            return await self.call("POST", path, {**params, "access_token": await self.token()})
        except ZzdReplyError as exc:
            if exc.reason != "token":
                raise
            self.http.tokens.drop(self._token_key)
        return await self.call("POST", path, {**params, "access_token": await self.token()})

    async def token(self) -> str:
        """The app's access token (``GET /gettoken.json``), cached until shortly before expiry."""
        return await self.http.tokens.get(self._token_key, self._fetch_token)

    async def _fetch_token(self) -> tuple[str, float]:
        params = {"appkey": self.config.app_key, "appsecret": self.config.app_secret.get_secret_value()}
        data = (await self.call("GET", TOKEN_PATH, params)).get("data")
        if not (isinstance(data, dict) and data.get("accessToken")):
            raise ChannelError(f"{self.label}：获取 access_token 的响应格式异常", code="bad_reply")
        return str(data["accessToken"]), float(data.get("expiresIn") or 7200)
