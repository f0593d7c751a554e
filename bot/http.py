"""The one outbound HTTP wrapper every channel uses.

It sets an explicit timeout, refuses private and loopback targets (unless the
``allow_private_urls`` setting is on, as in tests), runs the provider's signing hook, always
reads the body, turns network errors and 5xx into transient ``ChannelError`` and returns the
parsed JSON. Platforms report most failures inside HTTP 200, so checking the reply is the
channel's job. It never logs a URL's query string: webhook tokens live there.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from bot.base import ChannelError

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds; Aliyun asks for at least 1 s, DingTalk answers in well under 1 s
TOKEN_MARGIN = 300.0  # refresh access tokens this long before they expire
JSON_TYPE = "application/json; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON, as sent on the wire. Size limits are measured on exactly these bytes."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Outbound:
    """A request before it is sent; a signing hook may change any field."""

    method: str
    url: URL
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    form: dict[str, str] | None = None

    def body(self) -> bytes | None:
        if self.form is not None:
            self.headers.setdefault("Content-Type", FORM_TYPE)
            return urlencode(self.form).encode()
        if self.json_body is not None:
            self.headers.setdefault("Content-Type", JSON_TYPE)
            return encode_json(self.json_body)
        return None


Signer = Callable[[Outbound], None]


class TokenCache:
    """Access tokens shared by all channels of one process, refreshed before they expire."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str, fetch: Callable[[], Awaitable[tuple[str, float]]]) -> str:
        """Return the cached token for ``key`` or ``fetch()`` a ``(token, expires_in_s)`` pair."""
        async with self._locks.setdefault(key, asyncio.Lock()):  # one fetch per key at a time
            cached = self._tokens.get(key)
            if cached and cached[1] > self._clock():
                return cached[0]
            token, expires_in = await fetch()
            self._tokens[key] = (token, self._clock() + max(expires_in - TOKEN_MARGIN, 0.0))
            return token

    def drop(self, key: str) -> None:
        """Forget a token the platform rejected, so the next call fetches a fresh one."""
        self._tokens.pop(key, None)


class ApiClient:
    """Outbound HTTP for channels, around one shared ``aiohttp.ClientSession``."""

    def __init__(self, session: aiohttp.ClientSession, *, allow_private: bool = False,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.session = session
        self.allow_private = allow_private
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.tokens = TokenCache()

    async def request(self, kind: str, method: str, url: str | URL, *, params: Mapping[str, str] | None = None,
                      json_body: Any = None, form: Mapping[str, str] | None = None,
                      headers: Mapping[str, str] | None = None, sign: Signer | None = None,
                      ok_statuses: Collection[int] = (200,)) -> dict[str, Any]:
        """Send one request and return the JSON object in the reply.

        ``kind`` names the channel in logs and errors. ``sign`` may rewrite the request just
        before it goes out. Replies with a status in ``ok_statuses`` are parsed; 5xx, 408 and
        network errors raise a transient ``ChannelError``, 429 a rate-limited one, any other
        status or a private target a permanent one.
        """
        out = Outbound(method, URL(url), dict(params or {}), dict(headers or {}), json_body,
                       dict(form) if form is not None else None)
        if sign is not None:
            sign(out)
        await self._check_target(kind, out.url)
        status, body = await self._exchange(kind, out)
        return _parse(kind, out.url, status, body, ok_statuses)

    async def _check_target(self, kind: str, url: URL) -> None:
        # Hosts come from settings and pasted webhooks are reduced to their token, so this
        # guards against misconfiguration; it does not try to defeat DNS rebinding.
        if self.allow_private:
            return
        host = url.host or ""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, url.port, type=socket.SOCK_STREAM)
        except OSError:
            raise ChannelError(f"{kind}：无法解析主机 {host}", code="dns") from None
        if any(_is_private(str(info[4][0])) for info in infos):
            raise ChannelError(f"{kind}：拒绝访问内网地址 {host}", permanent=True, code="private_address")

    async def _exchange(self, kind: str, out: Outbound) -> tuple[int, bytes]:
        started = time.perf_counter()
        data = out.body()
        try:
            async with self.session.request(out.method, out.url, params=out.params or None, data=data,
                                            headers=out.headers, timeout=self.timeout,
                                            allow_redirects=False) as resp:
                body = await resp.read()  # always drain, so the connection can be reused
        except TimeoutError:
            raise ChannelError(f"{kind}：请求超时（{out.url.host}）", code="timeout") from None
        except aiohttp.ClientError as exc:
            # ``from None``: the chained exception may quote the URL, token included.
            detail = _redact(str(exc), out.url)
            raise ChannelError(f"{kind}：网络错误（{out.url.host}）{type(exc).__name__} {detail}",
                               code="network") from None
        logger.debug("%s %s %s -> %s in %.2fs", kind, out.method, out.url.host, resp.status,
                     time.perf_counter() - started)
        return resp.status, body


def _parse(kind: str, url: URL, status: int, body: bytes, ok_statuses: Collection[int]) -> dict[str, Any]:
    where = f"{kind}（{url.host}）"
    if status >= 500 or status == 408:
        raise ChannelError(f"{where}：服务端错误 HTTP {status}", code=f"http_{status}")
    if status == 429:
        raise ChannelError(f"{where}：请求过于频繁 HTTP 429", rate_limited=True, retry_after=60.0, code="http_429")
    if status not in ok_statuses:
        raise ChannelError(f"{where}：意外的响应 HTTP {status}", permanent=True, code=f"http_{status}")
    try:
        data = json.loads(body)
    except ValueError:
        raise ChannelError(f"{where}：响应不是 JSON（HTTP {status}）", code="bad_reply") from None
    if not isinstance(data, dict):
        raise ChannelError(f"{where}：响应格式异常", code="bad_reply")
    return data


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    return not ip.is_global


def _redact(text: str, url: URL) -> str:
    for secret in {url.query_string, url.raw_query_string} - {""}:
        text = text.replace(secret, "***")
    return text
