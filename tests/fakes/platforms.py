"""All fake platforms on one local aiohttp server, each under its own prefix.

``/dingtalk`` DingTalk robot, ``/zzd`` 浙政钉 open platform (and its robot webhook),
``/wecom`` WeCom robot, ``/sms`` Aliyun SendSms. ``log`` records every hit as
``"POST /dingtalk/robot/send > 200"`` (no query strings: they hold tokens).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from tests.fakes.common import FakeClock
from tests.fakes.dingtalk import Delivered, FakeDingTalk
from tests.fakes.sms import FakeAliyunSms, SentSms, sms_report
from tests.fakes.wecom import FakeWeCom, WeComMessage
from tests.fakes.zzd import FakeZzd, ZzdDelivery

__all__ = ["Delivered", "FakeAliyunSms", "FakeClock", "FakeDingTalk", "FakePlatforms", "FakeWeCom", "FakeZzd",
           "SentSms", "WeComMessage", "ZzdDelivery", "sms_report"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PREFIXES = {"dingtalk": "/dingtalk", "zzd": "/zzd", "wecom": "/wecom", "sms": "/sms"}


class FakePlatforms:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.dingtalk = FakeDingTalk(self.clock)
        self.zzd = FakeZzd(self.clock, prefix=PREFIXES["zzd"])
        self.wecom = FakeWeCom(self.clock)
        self.sms = FakeAliyunSms(self.clock)
        self.log: list[str] = []
        self.base_url = ""

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        for name, prefix in PREFIXES.items():
            app.add_subapp(prefix, getattr(self, name).app())
        return app

    def url(self, name: str) -> str:
        """The base URL a setting should hold to reach fake ``name`` (dingtalk, zzd, wecom, sms)."""
        return self.base_url + PREFIXES[name]

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        self.log.append(f"{request.method} {request.path} > {response.status}")
        return response
