"""Fixtures for channel tests: the fake platforms on a local server, settings pointing at them,
an ``ApiClient`` and a ``make_channel(kind, **config)`` factory. No database, no Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import registry
from bot.base import Channel
from bot.http import ApiClient
from models.core.settings import Settings
from tests.fakes.platforms import FakePlatforms

MakeChannel = Callable[..., Channel[Any]]


@pytest.fixture
async def fakes(aiohttp_server: Any) -> FakePlatforms:
    platforms = FakePlatforms()
    server = await aiohttp_server(platforms.app())
    platforms.base_url = str(server.make_url("")).rstrip("/")
    return platforms


@pytest.fixture
def bot_settings(fakes: FakePlatforms, tmp_path: Path) -> Settings:
    return Settings(env="test", var_dir=tmp_path, public_url="http://portal.test", allow_private_urls=True,
                    dingtalk_api_url=fakes.url("dingtalk"), zzd_api_url=fakes.url("zzd"),
                    wecom_api_url=fakes.url("wecom"), aliyun_sms_url=fakes.url("sms"))


@pytest.fixture
async def api(bot_settings: Settings) -> AsyncIterator[ApiClient]:
    async with aiohttp.ClientSession() as session:
        yield ApiClient(session, allow_private=bot_settings.allow_private_urls, timeout=5.0)


@pytest.fixture
def make_channel(api: ApiClient, bot_settings: Settings) -> MakeChannel:
    def make(kind: str, **config: Any) -> Channel[Any]:
        return registry.build(kind, config, http=api, settings=bot_settings)

    return make
