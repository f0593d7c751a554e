"""免登 code exchange against the fake DingTalk and 浙政钉 (tests/fakes/dingtalk_sso.py)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.identity import IdentityError, exchange, platform_ready
from models.core.settings import Settings

APP = {"dingtalk_corp_id": "ding-corp", "dingtalk_app_key": "ding-app", "dingtalk_app_secret": SecretStr("ding-secret"),
       "zzd_app_key": "zzd-app", "zzd_app_secret": SecretStr("zzd-secret"), "zzd_tenant_id": "T100"}


@pytest.fixture
def settings(bot_settings: Settings, fakes) -> Settings:
    fakes.dingtalk_sso.add_app("ding-app", "ding-secret")
    fakes.zzd.add_app("zzd-app", "zzd-secret", tenant_id="T100")
    return bot_settings.model_copy(update=APP)


async def refused(api, settings: Settings, platform: str, code: str) -> IdentityError:
    with pytest.raises(IdentityError) as caught:
        await exchange(api, settings, platform, code)
    return caught.value


async def test_a_dingtalk_code_gives_the_userid_and_the_app_token_is_reused(api, settings, fakes):
    first = await exchange(api, settings, "dingtalk", fakes.dingtalk_sso.issue_code("user-7"))
    second = await exchange(api, settings, "dingtalk", fakes.dingtalk_sso.issue_code("user-8"))
    assert (first, second) == ("user-7", "user-8")
    assert fakes.dingtalk_sso.token_requests == 1, "the app token is cached, not fetched per login"


async def test_a_dingtalk_code_works_once(api, settings, fakes):
    code = fakes.dingtalk_sso.issue_code("user-7")
    assert await exchange(api, settings, "dingtalk", code) == "user-7"
    error = await refused(api, settings, "dingtalk", code)
    assert error.reason == "code" and "已使用或已过期" in error.message


async def test_a_dingtalk_code_expires_after_five_minutes(api, settings, fakes):
    code = fakes.dingtalk_sso.issue_code("user-7")
    fakes.clock.advance(301)
    assert (await refused(api, settings, "dingtalk", code)).reason == "code"
    assert fakes.dingtalk_sso.codes.used == []


async def test_a_token_the_platform_dropped_is_fetched_again_without_losing_the_code(api, settings, fakes):
    await exchange(api, settings, "dingtalk", fakes.dingtalk_sso.issue_code("user-7"))
    fakes.clock.advance(7300)  # the platform's token ran out; our cache still holds it
    assert await exchange(api, settings, "dingtalk", fakes.dingtalk_sso.issue_code("user-8")) == "user-8"
    assert fakes.dingtalk_sso.token_requests == 2


async def test_wrong_dingtalk_credentials_are_the_administrators_business(api, settings, fakes):
    wrong = settings.model_copy(update={"dingtalk_app_secret": SecretStr("not-it")})
    error = await refused(api, wrong, "dingtalk", fakes.dingtalk_sso.issue_code("user-7"))
    assert error.reason == "credentials" and "AppSecret" in error.message


async def test_an_unconfigured_platform_or_a_junk_code_never_reaches_the_platform(api, bot_settings, settings, fakes):
    assert not platform_ready(bot_settings, "dingtalk") and platform_ready(settings, "dingtalk")
    assert (await refused(api, bot_settings, "dingtalk", "abc")).reason == "config"
    assert (await refused(api, settings, "dingtalk", "码" * 4)).reason == "code"
    assert (await refused(api, settings, "zzd", "")).reason == "code"
    assert fakes.log == []


async def test_an_unreachable_platform_says_try_later(api, settings):
    down = settings.model_copy(update={"dingtalk_api_url": "http://127.0.0.1:9"})
    error = await refused(api, down, "dingtalk", "a" * 32)
    assert error.reason == "unavailable" and "稍后重试" in error.message


async def test_a_zzd_code_gives_the_account_id_once(api, settings, fakes):
    code = fakes.zzd_sso.issue_code("acc-42")
    assert await exchange(api, settings, "zzd", code) == "acc-42"
    error = await refused(api, settings, "zzd", code)
    assert error.reason == "code" and "浙政钉" in error.message
    assert fakes.zzd.signature_failures == 0 and fakes.zzd.token_requests == 1


async def test_a_zzd_code_expires_after_five_minutes(api, settings, fakes):
    code = fakes.zzd_sso.issue_code("acc-42")
    fakes.clock.advance(301)
    assert (await refused(api, settings, "zzd", code)).reason == "code"


async def test_a_wrong_zzd_secret_fails_the_signature_and_says_so(api, settings, fakes):
    wrong = settings.model_copy(update={"zzd_app_secret": SecretStr("not-it")})
    error = await refused(api, wrong, "zzd", fakes.zzd_sso.issue_code("acc-42"))
    assert error.reason == "credentials" and fakes.zzd.signature_failures == 1
    assert fakes.zzd_sso.codes.used == [], "the code was never spent"


async def test_an_account_of_another_zzd_tenant_is_refused(api, settings, fakes):
    error = await refused(api, settings, "zzd", fakes.zzd_sso.issue_code("acc-42", tenant_id="T999"))
    assert error.reason == "reply" and "不属于本单位" in error.message
