"""A fake 浙政钉 / 专有钉钉 open platform, platforms.md §4.2–4.3.

Verifies ``apiKey`` + ``X-Hmac-Auth-*`` exactly as documented (re-implemented here from the
doc), issues access tokens that expire on the fake clock, accepts work notifications
(de-duplicated on ``bizMsgId``: a repeat is refused as "重复" and not delivered) and group
messages, refuses ``msg`` over 2048 bytes, and records what it delivered. It also serves the
DingTalk-style robot webhook at ``/robot/send`` (``robots``).

Only the signature error code is documented (OPF-B001-05-16-0009 SignatureDoesNotMatch); the
other error codes and texts here are UNCONFIRMED stand-ins. Magic inputs in ``msg``:
``__500__`` → HTTP 500, ``__throttle__`` → a 流控 refusal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.common import FakeClock, json_reply, server_error
from tests.fakes.dingtalk import FakeDingTalk

MSG_MAX_BYTES = 2048
TIMESTAMP_WINDOW = timedelta(minutes=15)  # UNCONFIRMED: "assume a few minutes"


@dataclass
class ZzdApp:
    app_key: str
    app_secret: str
    tenant_id: str


@dataclass
class ZzdDelivery:
    path: str
    params: dict[str, str]
    msg: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.msg = json.loads(self.params["msg"])


class FakeZzd:
    def __init__(self, clock: FakeClock, *, prefix: str = "") -> None:
        self.clock, self.prefix = clock, prefix
        self.apps: dict[str, ZzdApp] = {}
        self.notifications: list[ZzdDelivery] = []
        self.group_messages: list[ZzdDelivery] = []
        self.token_requests = self.duplicates = self.signature_failures = 0
        self.token_ttl = 7200.0
        self.robots = FakeDingTalk(clock)
        self._tokens: dict[str, tuple[ZzdApp, float]] = {}
        self._nonces: set[str] = set()
        self._biz_ids: set[tuple[str, str]] = set()

    def add_app(self, app_key: str, app_secret: str, tenant_id: str = "T100") -> ZzdApp:
        self.apps[app_key] = ZzdApp(app_key, app_secret, tenant_id)
        return self.apps[app_key]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/gettoken.json", self.gettoken)
        app.router.add_post("/message/workNotification", self.work_notification)
        app.router.add_post("/chat/sendMsg", self.send_msg)
        app.router.add_post("/robot/send", self.robots.send)
        return app

    async def gettoken(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        app = self._verify(request, params)
        if app is None:
            return _signature_error()
        if params.get("appkey") != app.app_key or params.get("appsecret") != app.app_secret:
            return _refuse("40001", "appkey 或 appsecret 错误")
        self.token_requests += 1
        token = uuid.uuid4().hex
        self._tokens[token] = (app, self.clock() + self.token_ttl)
        return _ok({"accessToken": token, "expiresIn": str(int(self.token_ttl))})

    async def work_notification(self, request: web.Request) -> web.Response:
        return await self._deliver(request, self.notifications, require=("receiverIds", "organizationCodes"))

    async def send_msg(self, request: web.Request) -> web.Response:
        return await self._deliver(request, self.group_messages, require=("chatId",))

    async def _deliver(self, request: web.Request, into: list[ZzdDelivery], *,
                       require: tuple[str, ...]) -> web.Response:
        params = {key: str(value) for key, value in (await request.post()).items()}
        if "__500__" in params.get("msg", ""):
            return server_error()
        app = self._verify(request, params)
        if app is None:
            return _signature_error()
        refusal = self._check_token(params, app) or _check_params(params, app, require)
        if refusal:
            return refusal
        biz_id = params.get("bizMsgId")
        if biz_id and (app.tenant_id, biz_id) in self._biz_ids:
            self.duplicates += 1
            return _refuse("DUPLICATE_BIZ_MSG_ID", "bizMsgId 重复")
        if biz_id:
            self._biz_ids.add((app.tenant_id, biz_id))
        into.append(ZzdDelivery(request.path.removeprefix(self.prefix), params))
        return _ok({"msgId": uuid.uuid4().hex})

    def _check_token(self, params: Mapping[str, str], app: ZzdApp) -> web.Response | None:
        issued = self._tokens.get(params.get("access_token", ""))
        if issued is None or issued[0] is not app or issued[1] <= self.clock():
            return _refuse("240133", "access_token 无效或已过期")
        return None

    def _verify(self, request: web.Request, params: Mapping[str, str]) -> ZzdApp | None:
        """The app whose signature checks out, or None (and the failure is counted)."""
        headers = request.headers
        app = self.apps.get(headers.get("apiKey", ""))
        nonce, stamp = headers.get("X-Hmac-Auth-Nonce", ""), headers.get("X-Hmac-Auth-Timestamp", "")
        fresh = headers.get("X-Hmac-Auth-Version") == "1.0" and _fresh(stamp) and nonce not in self._nonces
        if app is None or not (fresh and nonce):
            self.signature_failures += 1
            return None
        path = request.path.removeprefix(self.prefix)
        expected = _signature(app.app_secret, request.method, stamp, nonce, path, params)
        if not hmac.compare_digest(headers.get("X-Hmac-Auth-Signature", ""), expected):
            self.signature_failures += 1
            return None
        self._nonces.add(nonce)
        return app


def _signature(secret: str, method: str, stamp: str, nonce: str, path: str, params: Mapping[str, str]) -> str:
    text = f"{method}\n{stamp}\n{nonce}\n{path}"
    if params:
        text += "\n" + "&".join(sorted(f"{key}={value}" for key, value in params.items()))
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def _fresh(stamp: str) -> bool:
    try:
        sent = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return sent.tzinfo is not None and abs(datetime.now(sent.tzinfo) - sent) <= TIMESTAMP_WINDOW


def _check_params(params: Mapping[str, str], app: ZzdApp, require: tuple[str, ...]) -> web.Response | None:
    msg = params.get("msg", "")
    if params.get("tenantId") != app.tenant_id or not any(params.get(name) for name in require):
        return _refuse("PARAM_ERROR", "参数错误：tenantId 或接收方缺失")
    if len(msg.encode("utf-8")) > MSG_MAX_BYTES:
        return _refuse("PARAM_ERROR", f"参数错误：msg 超过 {MSG_MAX_BYTES} 字节")
    if "__throttle__" in msg:
        return _refuse("THROTTLED", "调用频率超过限制，已触发流控")
    return None


def _ok(data: dict[str, Any]) -> web.Response:
    return json_reply({"success": True, "content": {"success": True, "data": data, "requestId": uuid.uuid4().hex,
                                                    "responseCode": "0", "responseMessage": "OK"}})


def _refuse(code: str, message: str) -> web.Response:
    return json_reply({"success": True, "content": {"success": False, "requestId": uuid.uuid4().hex,
                                                    "responseCode": code, "responseMessage": message}})


def _signature_error() -> web.Response:
    return json_reply({"success": False, "errorCode": "OPF-B001-05-16-0009", "errorMsg": "SignatureDoesNotMatch",
                       "errorLevel": "error"})
