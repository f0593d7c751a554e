"""Fake 免登 endpoints: DingTalk's app token and getuserinfo (platforms.md §3.3) and 浙政钉's
``/rpc/oauth2/dingtalk_app_user.json`` (§4.3), mounted into the fake DingTalk and 浙政钉 apps.

A test plays the chat client with ``issue_code(user_id)``: the code is valid for 5 minutes on
the fake clock and works once, as the platform says. DingTalk answers every refusal with an
``errcode`` in HTTP 200 (40089 bad app credentials, 40014 bad or expired token, 40078 unknown,
used or expired code: codes from secondary sources). 浙政钉 checks the signed headers and the
token exactly as its other fake endpoints do; its code error 240111 is documented only for the
QR-code login and assumed here.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass

from aiohttp import web

from tests.fakes.common import FakeClock, json_reply
from tests.fakes.zzd import FakeZzd, _ok, _refuse, _signature_error

CODE_TTL = 300.0  # §3.3: 5 minutes, single use
TOKEN_TTL = 7200.0


@dataclass
class IssuedCode:
    user_id: str
    expires_at: float
    tenant_id: str = ""


class CodeBook:
    """Auth codes handed to the "client": each works once, until it expires on the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._codes: dict[str, IssuedCode] = {}
        self.used: list[str] = []  # user ids, in the order their codes were exchanged

    def issue(self, user_id: str, tenant_id: str = "") -> str:
        code = secrets.token_hex(16)
        self._codes[code] = IssuedCode(user_id, self.clock() + CODE_TTL, tenant_id)
        return code

    def redeem(self, code: str) -> IssuedCode | None:
        issued = self._codes.pop(code, None)  # popped even when expired: a code never works twice
        if issued is None or issued.expires_at <= self.clock():
            return None
        self.used.append(issued.user_id)
        return issued


class FakeDingTalkSso:
    """``GET /gettoken`` and ``POST /topapi/v2/user/getuserinfo`` of one corp's internal apps."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.apps: dict[str, str] = {}  # app key -> app secret
        self.codes = CodeBook(clock)
        self.token_requests = 0
        self._tokens: dict[str, float] = {}

    def add_app(self, app_key: str, app_secret: str) -> None:
        self.apps[app_key] = app_secret

    def issue_code(self, userid: str) -> str:
        return self.codes.issue(userid)

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/gettoken", self.gettoken)
        app.router.add_post("/topapi/v2/user/getuserinfo", self.getuserinfo)

    async def gettoken(self, request: web.Request) -> web.Response:
        key, secret = request.query.get("appkey", ""), request.query.get("appsecret", "")
        if key not in self.apps or not secrets.compare_digest(self.apps[key], secret):
            return _errcode(40089, "不合法的corpid或corpsecret")
        self.token_requests += 1
        token = uuid.uuid4().hex
        self._tokens[token] = self.clock() + TOKEN_TTL
        return json_reply({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": int(TOKEN_TTL)})

    async def getuserinfo(self, request: web.Request) -> web.Response:
        if self._tokens.get(request.query.get("access_token", ""), 0.0) <= self.clock():
            return _errcode(40014, "不合法的access_token")
        try:
            code = str(json.loads(await request.read()).get("code", ""))
        except (ValueError, AttributeError):
            return _errcode(40035, "缺少参数 code")
        issued = self.codes.redeem(code)
        if issued is None:
            return _errcode(40078, "不存在的临时授权码")
        result = {"userid": issued.user_id, "unionid": f"u-{issued.user_id}", "name": "", "sys": False,
                  "sys_level": 0, "device_id": uuid.uuid4().hex}
        return json_reply({"errcode": 0, "errmsg": "ok", "result": result, "request_id": uuid.uuid4().hex})


class FakeZzdSso:
    """``POST /rpc/oauth2/dingtalk_app_user.json`` on the fake 浙政钉, with its signatures and tokens."""

    def __init__(self, zzd: FakeZzd) -> None:
        self.zzd = zzd
        self.codes = CodeBook(zzd.clock)

    def issue_code(self, account_id: str, tenant_id: str = "") -> str:
        """A code for ``account_id`` (of ``tenant_id``; by default the tenant of the app that asks)."""
        return self.codes.issue(account_id, tenant_id)

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/rpc/oauth2/dingtalk_app_user.json", self.app_user)

    async def app_user(self, request: web.Request) -> web.Response:
        params = {key: str(value) for key, value in (await request.post()).items()}
        app = self.zzd._verify(request, params)
        if app is None:
            return _signature_error()
        refusal = self.zzd._check_token(params, app)
        if refusal:
            return refusal
        issued = self.codes.redeem(params.get("auth_code", ""))
        if issued is None:
            return _refuse("240111", "auth_code 无效、已使用或已过期")
        return _ok({"accountId": issued.user_id, "employeeCode": f"E{issued.user_id}",
                    "tenantId": issued.tenant_id or app.tenant_id, "lastName": ""})


def _errcode(code: int, message: str) -> web.Response:
    return json_reply({"errcode": code, "errmsg": message, "request_id": uuid.uuid4().hex})
