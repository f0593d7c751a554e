"""Fixtures for the notification pipeline: the fake platforms, settings pointing at them, a real
arq worker run in burst mode, and factories for targets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from arq.worker import Worker

from models.core.db import transaction
from models.notify.targets import TargetSpec, create_target
from tasks.worker import worker_settings
from tests.fakes.fixtures import fakes

__all__ = ["fakes"]
SECRET = "SEC0123456789abcdef"


@pytest.fixture
def notify_settings(settings, fakes):
    return settings.model_copy(update={
        "dingtalk_api_url": fakes.url("dingtalk"), "zzd_api_url": fakes.url("zzd"), "wecom_api_url": fakes.url("wecom"),
        "aliyun_sms_url": fakes.url("sms"), "allow_private_urls": True})


@pytest.fixture
async def nrt(notify_settings, rt):
    """The runtime, but with settings that reach the fakes (same database as ``rt``)."""
    from models.core.runtime import Runtime

    return Runtime(notify_settings, rt.engine, rt.sessions, rt.cipher)


@pytest.fixture
def run_worker(notify_settings, redis) -> Callable[[], Awaitable[Worker]]:
    async def _run() -> Worker:
        options = {**worker_settings(notify_settings, burst=True), "cron_jobs": [], "poll_delay": 0.01}
        worker = Worker(**options)
        await worker.main()
        await worker.close()
        return worker
    return _run


@pytest.fixture
def add_target(nrt, fakes) -> Callable[..., Awaitable[Any]]:
    async def _add(name: str, unit_code: str | None, *, kind: str = "dingtalk", token: str | None = None,
                   purposes: tuple[str, ...] = ("digest",), config: dict[str, Any] | None = None,
                   **fields: Any) -> Any:
        if kind == "dingtalk" and config is None:
            token = token or f"tok-{name}"
            fakes.dingtalk.add_robot(token, secret=SECRET)
            config = {"access_token": token, "secret": SECRET}
        spec = TargetSpec(name=name, kind=kind, config=config or {}, purposes=purposes, unit_code=unit_code,
                          subtree=fields.pop("subtree", False), group_by=fields.pop("group_by", "unit"))
        async with transaction(nrt.sessions) as session:
            target = await create_target(session, nrt.cipher, spec, actor="test")
            for key, value in {"group_wait_s": 0, **fields}.items():
                setattr(target, key, value)
            session.add(target)
        return target
    return _add
