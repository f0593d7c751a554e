"""免登: trading the one-time auth code a chat app gives our page for the person's platform id.

DingTalk (platforms.md §3.3): ``GET /gettoken?appkey&appsecret`` gives the app token (about
7200 s, cached on the shared ``ApiClient``), then ``POST /topapi/v2/user/getuserinfo`` with
``{"code": …}`` answers ``result.userid``; failures come as a non-zero ``errcode`` in HTTP 200.
浙政钉 (§4.3): the signed calls of :mod:`bot.channels.zzd_api`, ``POST
/rpc/oauth2/dingtalk_app_user.json`` with ``auth_code`` answers ``accountId`` and ``tenantId``.
A code is valid for 5 minutes and once, so a failed exchange is never retried with the same
code; only a rejected app token is dropped and fetched again. Every failure becomes one
:class:`IdentityError` whose message is Chinese and safe to show.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import SecretStr

from bot.base import ChannelError
from bot.channels.zzd_api import ZzdApi, ZzdAppConfig, ZzdReplyError
from bot.http import ApiClient
from models.accounts.platform_ids import LABELS, Platform
from models.core.settings import Settings

Reason = Literal["code", "credentials", "config", "unavailable", "reply"]
PLATFORMS: tuple[Platform, ...] = ("dingtalk", "zzd")
MAX_CODE = 256  # real codes are 32-64 characters; anything longer is not worth a round trip
ZZD_USER_PATH = "/rpc/oauth2/dingtalk_app_user.json"

# DingTalk errcodes (secondary sources; the texts are matched too, as in bot/channels/dingtalk.py).
DINGTALK_BAD_CODE = frozenset({40078})  # 不存在的临时授权码: unknown, used or expired
DINGTALK_BAD_TOKEN = frozenset({40014, 42001})  # 不合法的 / 过期的 access_token
DINGTALK_BAD_APP = frozenset({40089, 40091})  # 不合法的 appkey / appsecret
ZZD_BAD_CODE = frozenset({"240111"})  # the QR-login code error; assumed for 免登 too (UNCONFIRMED)

CODE_MESSAGE = "{label}免登授权码无效、已使用或已过期（有效期 5 分钟，只能使用一次），请重新打开页面"
APP_MESSAGE = "{label}应用的 AppKey 或 AppSecret 不正确，请管理员检查配置"


class IdentityError(Exception):
    """An auth code that did not give a user id. ``reason``: ``code`` (bad, used or expired code:
    ask for a new one), ``credentials`` or ``config`` (the administrator's business),
    ``unavailable`` (network or the platform is down: try later), ``reply`` (anything else)."""

    def __init__(self, message: str, *, reason: Reason) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def platform_ready(settings: Settings, platform: Platform) -> bool:
    """Whether 免登 can work at all: the app's credentials (and the corp/tenant it is pinned to)."""
    needed: tuple[str | SecretStr, ...] = (
        (settings.dingtalk_corp_id, settings.dingtalk_app_key, settings.dingtalk_app_secret) if platform == "dingtalk"
        else (settings.zzd_app_key, settings.zzd_app_secret, settings.zzd_tenant_id))
    return all(_text(value).strip() for value in needed)


async def exchange(http: ApiClient, settings: Settings, platform: Platform, code: str) -> str:
    """The user id behind ``code`` on ``platform`` (DingTalk userid or 浙政钉 accountId)."""
    if not platform_ready(settings, platform):
        raise IdentityError(f"{LABELS[platform]}免登尚未配置，请使用密码登录", reason="config")
    code = _checked_code(code, platform)
    if platform == "dingtalk":
        return await dingtalk_userid(http, settings, code)
    return await zzd_account_id(http, settings, code)


async def dingtalk_userid(http: ApiClient, settings: Settings, code: str) -> str:
    """``code`` from ``dd.runtime.permission.requestAuthCode`` → the person's DingTalk userid."""
    app = _DingTalkApp(http, settings)
    reply = await app.with_token(lambda token: app.call(
        "POST", "/topapi/v2/user/getuserinfo", params={"access_token": token}, json_body={"code": code}))
    result = reply.get("result")
    userid = result.get("userid") if isinstance(result, dict) else None
    if not userid:
        raise IdentityError("钉钉免登返回格式异常：没有 userid", reason="reply")
    return str(userid)


async def zzd_account_id(http: ApiClient, settings: Settings, code: str) -> str:
    """``code`` from the 专有钉钉 JSAPI ``getAuthCode`` → the person's 浙政钉 accountId."""
    config = ZzdAppConfig(app_key=settings.zzd_app_key, app_secret=settings.zzd_app_secret,
                          tenant_id=settings.zzd_tenant_id)
    api = ZzdApi(http=http, base_url=settings.zzd_api_url, config=config, kind="zzd_sso", label="浙政钉免登")
    await _zzd(api.token, app_step=True)  # a refusal here is the app's credentials, not the code
    content = await _zzd(lambda: api.call_with_token(ZZD_USER_PATH, {"auth_code": code}), app_step=False)
    data = content.get("data")
    account_id = data.get("accountId") if isinstance(data, dict) else None
    if not account_id:
        raise IdentityError("浙政钉免登返回格式异常：没有 accountId", reason="reply")
    tenant = str(data.get("tenantId") or "") if isinstance(data, dict) else ""
    if tenant and tenant != config.tenant_id:  # an account of another organisation on the same platform
        raise IdentityError("该浙政钉账号不属于本单位的组织，无法登录", reason="reply")
    return str(account_id)


class _DingTalkApp:
    """The enterprise internal app's token (cached per process) and its errcode replies."""

    def __init__(self, http: ApiClient, settings: Settings) -> None:
        self.http = http
        self.base = settings.dingtalk_api_url.rstrip("/")
        self.key = settings.dingtalk_app_key
        self.secret = settings.dingtalk_app_secret.get_secret_value()
        self.token_key = f"dingtalk-app:{self.base}:{self.key}"

    async def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            reply = await self.http.request("dingtalk_sso", method, f"{self.base}{path}", **kwargs)
        except ChannelError as error:
            raise _unavailable("钉钉", error) from None
        _check_dingtalk(reply)
        return reply

    async def with_token(self, call: Callable[[str], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """``call(token)``; a token the platform no longer accepts is dropped and fetched once more."""
        try:
            return await call(await self.http.tokens.get(self.token_key, self._fetch_token))
        except _StaleToken:
            self.http.tokens.drop(self.token_key)
        try:
            return await call(await self.http.tokens.get(self.token_key, self._fetch_token))
        except _StaleToken:
            raise IdentityError("钉钉拒绝了刚获取的 access_token，请稍后重试", reason="reply") from None

    async def _fetch_token(self) -> tuple[str, float]:
        reply = await self.call("GET", "/gettoken", params={"appkey": self.key, "appsecret": self.secret})
        if not reply.get("access_token"):
            raise IdentityError("钉钉获取 access_token 的响应格式异常", reason="reply")
        return str(reply["access_token"]), float(reply.get("expires_in") or 7200)


class _StaleToken(Exception):
    """The platform refused our cached app token (expired or revoked early)."""


def _check_dingtalk(reply: dict[str, Any]) -> None:
    try:
        code = int(reply.get("errcode", -1))
    except (TypeError, ValueError):
        code = -1
    if code == 0:
        return
    text = str(reply.get("errmsg", ""))
    lowered = text.lower()
    if code in DINGTALK_BAD_TOKEN or ("access_token" in lowered and code not in DINGTALK_BAD_APP):
        raise _StaleToken(text)
    if code in DINGTALK_BAD_CODE or "授权码" in text:
        raise IdentityError(CODE_MESSAGE.format(label="钉钉"), reason="code")
    if code in DINGTALK_BAD_APP or any(hint in lowered for hint in ("appkey", "appsecret", "corpsecret")):
        raise IdentityError(APP_MESSAGE.format(label="钉钉"), reason="credentials")
    raise IdentityError(f"钉钉免登返回错误 {code}：{text[:100]}", reason="reply")


async def _zzd(call: Callable[[], Awaitable[Any]], *, app_step: bool) -> Any:
    """Run one 浙政钉 step, turning its errors into :class:`IdentityError`."""
    try:
        return await call()
    except ZzdReplyError as error:
        raise _zzd_refusal(error, app_step=app_step) from None
    except ChannelError as error:
        raise _unavailable("浙政钉", error) from None


def _zzd_refusal(error: ZzdReplyError, *, app_step: bool) -> IdentityError:
    if app_step or error.reason == "signature":
        return IdentityError(APP_MESSAGE.format(label="浙政钉"), reason="credentials")
    lowered = error.message.lower()
    if error.code in ZZD_BAD_CODE or "auth_code" in lowered or "授权码" in lowered:
        return IdentityError(CODE_MESSAGE.format(label="浙政钉"), reason="code")
    return IdentityError(f"浙政钉免登失败：{error.message[:120]}", reason="reply")


def _unavailable(label: str, error: ChannelError) -> IdentityError:
    if error.permanent:  # a refused private address or an unexpected status: configuration
        return IdentityError(f"{label}接口地址配置有误，请管理员检查：{error.message[:120]}", reason="config")
    return IdentityError(f"暂时无法连接{label}，请稍后重试", reason="unavailable")


def _checked_code(code: str, platform: Platform) -> str:
    code = code.strip()
    if not code or len(code) > MAX_CODE or not code.isascii() or not code.isprintable():
        raise IdentityError(CODE_MESSAGE.format(label=LABELS[platform]), reason="code")
    return code


def _text(value: str | SecretStr) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value
