"""免登 in the portal: the page, the code exchange against the fake platforms, the session, the refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from models.accounts.platform_ids import link
from models.accounts.store import set_lock
from models.accounts.tables import WebSession
from models.core.audit import recent
from models.core.db import transaction
from models.core.settings import Settings
from portal.app import create_app
from tests.fakes.fixtures import fakes
from tests.portal.conftest import login

__all__ = ["fakes"]

DINGTALK_UA = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0 "
               "Mobile Safari/537.36 AliApp(DingTalk/7.6.0) com.alibaba.android.rimet/36000000 Language/zh-CN")
ZZD_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 AliApp(TaurusApp/2.9.0)"
APP = {"dingtalk_corp_id": "ding-corp", "dingtalk_app_key": "ding-app", "dingtalk_app_secret": SecretStr("ding-secret"),
       "zzd_app_key": "zzd-app", "zzd_app_secret": SecretStr("zzd-secret"), "zzd_tenant_id": "T100"}
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
NEXT = "/warnings?state=open&rule=A1_ID_INVALID"


@pytest.fixture
def sso_settings(settings: Settings, fakes) -> Settings:
    fakes.dingtalk_sso.add_app("ding-app", "ding-secret")
    fakes.zzd.add_app("zzd-app", "zzd-secret", tenant_id="T100")
    return settings.model_copy(update={**APP, "allow_private_urls": True, "dingtalk_api_url": fakes.url("dingtalk"),
                                       "zzd_api_url": fakes.url("zzd")})


@pytest.fixture
async def app_client(aiohttp_client: Any, sso_settings, redis, rt, world) -> TestClient:
    async with transaction(rt.sessions) as session:
        await link(session, login="steward", platform="dingtalk", user_id="ding-steward", actor="test")
        await link(session, login="officer", platform="zzd", user_id="zzd-officer", actor="test")
    return await aiohttp_client(create_app(sso_settings))


async def sso(client: TestClient, platform: str, code: str, target: str = NEXT) -> Any:
    """What static/sso.js does: open the page, then post the code with the page's CSRF token."""
    page = await client.get(f"/auth/{platform}", params={"next": target}, headers={"User-Agent": DINGTALK_UA})
    assert page.status == 200, await page.text()
    token = META_CSRF.search(await page.text())
    assert token, "the page carries the CSRF token in a meta tag"
    return await client.post(f"/auth/{platform}", json={"code": code, "next": target},
                             headers={"X-CSRF-Token": token.group(1)})


async def logged_in(client: TestClient) -> bool:
    return (await client.get("/", allow_redirects=False)).status == 200


async def test_a_code_logs_in_and_lands_on_next_with_path_and_query_intact(app_client, fakes, rt):
    answer = await sso(app_client, "dingtalk", fakes.dingtalk_sso.issue_code("ding-steward"))
    assert answer.status == 200 and await answer.json() == {"next": NEXT, "notice": []}
    landed = await app_client.get(NEXT, allow_redirects=False)
    assert landed.status == 200 and "王专员" in await landed.text()
    async with rt.sessions() as session:
        row = (await recent(session, action="login.ok"))[0]
        assert row.actor == "steward" and row.detail == {"method": "dingtalk"}
        assert await session.get(WebSession, _session_id(app_client)) is not None, "a server-side session"


async def test_a_zzd_code_logs_in_the_linked_account(app_client, fakes):
    answer = await sso(app_client, "zzd", fakes.zzd_sso.issue_code("zzd-officer"))
    assert (await answer.json())["next"] == NEXT
    assert "李科长" in await (await app_client.get("/")).text()


async def test_a_used_code_is_refused(app_client, fakes):
    code = fakes.dingtalk_sso.issue_code("ding-steward")
    assert (await sso(app_client, "dingtalk", code)).status == 200
    await app_client.post("/logout", data={"_csrf": app_client.session.cookie_jar.filter_cookies(
        app_client.make_url("/"))["bzops_csrf"].value})
    again = await sso(app_client, "dingtalk", code)
    assert again.status == 400 and "已使用或已过期" in (await again.json())["error"]
    assert not await logged_in(app_client)


async def test_an_expired_code_is_refused(app_client, fakes):
    code = fakes.dingtalk_sso.issue_code("ding-steward")
    fakes.clock.advance(301)
    answer = await sso(app_client, "dingtalk", code)
    assert answer.status == 400 and "钉钉免登授权码无效" in (await answer.json())["error"]
    assert not await logged_in(app_client)


async def test_an_unknown_userid_gets_a_page_that_offers_the_password_login(app_client, fakes, rt):
    answer = await sso(app_client, "dingtalk", fakes.dingtalk_sso.issue_code("someone-else"))
    target = (await answer.json())["next"]
    assert target == "/auth/dingtalk/unlinked?next=%2Fwarnings%3Fstate%3Dopen%26rule%3DA1_ID_INVALID"
    page = await (await app_client.get(target)).text()
    assert "您的钉钉账号尚未关联 BZOps 账号，请联系管理员" in page
    assert 'href="/login?next=%2Fwarnings%3Fstate%3Dopen%26rule%3DA1_ID_INVALID"' in page
    assert not await logged_in(app_client)
    async with rt.sessions() as session:
        row = (await recent(session, action="login.unlinked"))[0]
        assert row.detail == {"method": "dingtalk", "user_id": "someone-else"}, "the admin can link it"


async def test_a_locked_account_is_refused(app_client, fakes, rt):
    async with transaction(rt.sessions) as session:
        await set_lock(session, login="steward", locked=True, reason="已调离", actor="test")
    answer = await sso(app_client, "dingtalk", fakes.dingtalk_sso.issue_code("ding-steward"))
    assert answer.status == 403 and (await answer.json())["error"] == "账号已锁定：已调离"
    assert not await logged_in(app_client)
    async with rt.sessions() as session:
        assert (await recent(session, action="login.refused"))[0].detail == {"method": "dingtalk", "locked": True}


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
async def test_a_next_pointing_off_site_is_ignored(app_client, fakes, target):
    answer = await sso(app_client, "dingtalk", fakes.dingtalk_sso.issue_code("ding-steward"), target)
    assert (await answer.json())["next"] == "/"


async def test_a_post_without_the_csrf_header_spends_no_code(app_client, fakes):
    await app_client.get("/auth/dingtalk")
    code = fakes.dingtalk_sso.issue_code("ding-steward")
    answer = await app_client.post("/auth/dingtalk", json={"code": code, "next": "/"}, allow_redirects=False)
    assert answer.status == 303 and fakes.dingtalk_sso.codes.used == []
    assert not await logged_in(app_client)


async def test_a_temporary_block_does_not_stop_sso_but_the_owner_is_told(app_client, fakes):
    for _ in range(5):
        await login(app_client, "steward", "wrong-password")
    answer = await sso(app_client, "dingtalk", fakes.dingtalk_sso.issue_code("ding-steward"))
    body = await answer.json()
    assert body["next"] == NEXT and len(body["notice"]) == 1
    assert re.fullmatch(r"您的账号于\d{4}-\d\d-\d\d \d\d:\d\d因多次密码错误被暂时锁定", body["notice"][0])


async def test_to_login_inside_dingtalk_goes_through_sso_first(app_client):
    response = await app_client.get("/units/1?x=1", headers={"User-Agent": DINGTALK_UA}, allow_redirects=False)
    # aiohttp writes the Location in its normal form, as for the login page: the same next once parsed.
    assert response.status == 302 and response.headers["Location"] == "/auth/dingtalk?next=/units/1?x%3D1"
    zzd = await app_client.get("/warnings", headers={"User-Agent": ZZD_UA}, allow_redirects=False)
    assert zzd.headers["Location"] == "/auth/zzd?next=/warnings"
    browser = await app_client.get("/units/1?x=1", allow_redirects=False)
    assert browser.headers["Location"] == "/login?next=/units/1?x%3D1"


async def test_without_app_credentials_dingtalk_visitors_use_the_password_login(client, world):
    response = await client.get("/units/1", headers={"User-Agent": DINGTALK_UA}, allow_redirects=False)
    assert response.headers["Location"] == "/login?next=/units/1"
    page = await client.get("/auth/dingtalk?next=%2Fwarnings", allow_redirects=False)
    assert page.status == 302 and page.headers["Location"] == "/login?next=/warnings"


async def test_the_page_loads_only_static_scripts_and_the_vendored_jsapi(app_client):
    page = await (await app_client.get("/auth/dingtalk?next=%2Fwarnings")).text()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/vendor/dingtalk-jsapi.min.js" defer>',
                       '<script src="/static/sso.js" defer>']
    assert 'data-next="/warnings"' in page and 'href="/login?next=%2Fwarnings"' in page
    for path in ("/static/vendor/dingtalk-jsapi.min.js", "/static/sso.js"):
        assert (await app_client.get(path)).status == 200
    zzd = await (await app_client.get("/auth/zzd")).text()
    assert "gdt-jsapi" not in zzd, "the 浙政钉 JSAPI is not shipped (no licence): the page falls back"


async def test_a_logged_in_visitor_goes_straight_on(app_client):
    await login(app_client, "steward")
    response = await app_client.get("/auth/dingtalk?next=%2Fwarnings", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/warnings"


async def test_a_malformed_request_gets_a_chinese_error(app_client):
    page = await app_client.get("/auth/dingtalk")
    token = META_CSRF.search(await page.text()).group(1)
    answer = await app_client.post("/auth/dingtalk", data="not json", headers={"X-CSRF-Token": token})
    assert answer.status == 400 and (await answer.json())["error"] == "请求格式错误，请重新打开页面"


async def test_the_accounts_page_says_who_is_linked_but_not_the_ids(app_client):
    await login(app_client, "admin")
    page = await (await app_client.get("/admin/accounts")).text()
    assert "已关联钉钉" in page and "已关联浙政钉" in page
    assert "ding-steward" not in page and "zzd-officer" not in page


def _session_id(client: TestClient) -> str:
    from models.accounts.sessions import token_id

    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["bzops_session"]
    return token_id(cookie.value)
