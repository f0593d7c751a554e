"""The registry's contract: every channel is complete, and every channel can send the test message."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from bot import registry
from bot.base import ChannelError
from bot.http import ApiClient
from bot.render import make_test_message
from models.core.settings import Settings
from tests.bot.helpers import SECRET
from tests.fakes.platforms import FakePlatforms

CJK = re.compile(r"[\u4e00-\u9fff]")
SECRET_NAME = re.compile(r"(secret|token)$|^key$")
ZZD = {"app_key": "ak", "app_secret": "sk", "tenant_id": "T1"}


def _dingtalk(f: FakePlatforms) -> dict[str, Any]:
    f.dingtalk.add_robot("t", secret=SECRET, keyword="BZOps")
    return {"access_token": "t", "secret": SECRET, "keyword": "BZOps"}


def _zzd_robot(f: FakePlatforms) -> dict[str, Any]:
    f.zzd.robots.add_robot("t", secret=SECRET)
    return {"access_token": "t", "secret": SECRET}


def _zzd(f: FakePlatforms, **target: Any) -> dict[str, Any]:
    f.zzd.add_app("ak", "sk", "T1")
    return {**ZZD, **target}


def _wecom(f: FakePlatforms) -> dict[str, Any]:
    f.wecom.add_robot("k")
    return {"key": "k"}


def _sms(f: FakePlatforms) -> dict[str, Any]:
    f.sms.add_account("LTAI", "s", sign_name="编办", templates=("SMS_1",))
    return {"access_key_id": "LTAI", "access_key_secret": "s", "sign_name": "编办", "template_code": "SMS_1",
            "phone_numbers": ["13812345678"]}


SETUPS: dict[str, Callable[[FakePlatforms], dict[str, Any]]] = {
    "dingtalk": _dingtalk, "zzd_robot": _zzd_robot, "zzd_work": lambda f: _zzd(f, receiver_ids=["acc1"]),
    "zzd_group": lambda f: _zzd(f, chat_id="c1"), "wecom": _wecom, "sms": _sms, "log": lambda f: {},
}


def test_every_channel_is_complete() -> None:
    for kind, cls in registry.CHANNELS.items():
        assert cls.kind == kind
        assert issubclass(cls.Config, BaseModel)
        assert CJK.search(cls.label), kind
        assert (Path(__file__).parent / f"test_{cls.__module__.rsplit('.', 1)[1]}.py").exists(), kind
        assert kind in SETUPS, f"{kind} needs a working config in SETUPS"


def test_secrets_are_secret_str() -> None:
    for cls in registry.CHANNELS.values():
        for name, info in cls.Config.model_fields.items():
            if SECRET_NAME.search(name):
                assert info.annotation in (SecretStr, SecretStr | None), f"{cls.kind}.{name}"


def test_kind_choices_follow_the_registry() -> None:
    choices = registry.kind_choices()
    assert [kind for kind, _ in choices] == list(registry.CHANNELS)
    assert len({label for _, label in choices}) == len(choices)


def test_unknown_kinds_and_bad_configs_are_refused() -> None:
    with pytest.raises(ChannelError) as unknown:
        registry.get("fax")
    assert unknown.value.permanent
    with pytest.raises(ValidationError):
        registry.parse_config("dingtalk", {"access_token": "t", "secret": "not-a-sec"})


def test_a_stored_config_round_trips_with_its_secrets() -> None:
    config = registry.parse_config("sms", {"access_key_id": "LTAI", "access_key_secret": "s3", "sign_name": "编办",
                                           "template_code": "SMS_1", "phone_numbers": "13812345678"})
    stored = registry.stored_config(config)
    assert stored["access_key_secret"] == "s3"
    assert registry.parse_config("sms", stored) == config


def test_a_broken_stored_config_is_a_permanent_error_without_values(api: ApiClient, bot_settings: Settings) -> None:
    with pytest.raises(ChannelError) as broken:
        registry.build("wecom", {"key": "k", "extra": "hunter2"}, http=api, settings=bot_settings)
    assert broken.value.permanent and "extra" in broken.value.message and "hunter2" not in broken.value.message


@pytest.mark.parametrize("kind", list(registry.CHANNELS))
async def test_every_channel_sends_the_test_message(kind: str, fakes: FakePlatforms, api: ApiClient,
                                                    bot_settings: Settings) -> None:
    channel = registry.build(kind, SETUPS[kind](fakes), http=api, settings=bot_settings)
    message = make_test_message(label=channel.label, portal_url="http://portal.test", now=datetime(2025, 1, 2, 3, 4))
    [receipt] = await channel.send(message)
    assert receipt.key == "test-20250102030400"
