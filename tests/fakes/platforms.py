"""All fake platforms on one local aiohttp server, each under its own prefix.

``/dingtalk`` DingTalk robot, ``/zzd`` 浙政钉 open platform (and its robot webhook),
``/wecom`` WeCom robot, ``/sms`` Aliyun SendSms, ``/dingtalk-app`` the app robot's Stream gateway
(its session webhooks sit under ``/dingtalk``, the oapi host). ``log`` records every hit as
``"POST /dingtalk/robot/send > 200"`` (no query strings: they hold tokens).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from tests.fakes.common import FakeClock
from tests.fakes.dingtalk import Delivered, FakeDingTalk
from tests.fakes.dingtalk_app import FakeDingTalkApp
from tests.fakes.dingtalk_sso import FakeDingTalkSso, FakeZzdSso
from tests.fakes.sms import FakeAliyunSms, SentSms, sms_report
from tests.fakes.wecom import FakeWeCom, WeComMessage
from tests.fakes.zzd import FakeZzd, ZzdDelivery

__all__ = ["Delivered", "FakeAliyunSms", "FakeClock", "FakeDingTalk", "FakePlatforms", "FakeWeCom", "FakeZzd",
           "SentSms", "WeComMessage", "ZzdDelivery", "sms_report"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PREFIXES = {"dingtalk": "/dingtalk", "zzd": "/zzd", "wecom": "/wecom", "sms": "/sms"}
PREFIXES["dingtalk_app"] = "/dingtalk-app"  # api.dingtalk.com: the Stream gateway of the app robot


class FakePlatforms:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.dingtalk = FakeDingTalk(self.clock)
        self.zzd = FakeZzd(self.clock, prefix=PREFIXES["zzd"])
        self.wecom = FakeWeCom(self.clock)
        self.sms = FakeAliyunSms(self.clock)
        # 免登 endpoints live in their own modules and are mounted into the platform they belong to.
        self.dingtalk_sso = FakeDingTalkSso(self.clock)
        self.zzd_sso = FakeZzdSso(self.zzd)
        self.mounts: dict[str, list[Callable[[web.Application], None]]] = {
            "dingtalk": [self.dingtalk_sso.mount], "zzd": [self.zzd_sso.mount]}
        # The app robot: session webhooks on the oapi host, the Stream gateway on its own prefix.
        self.dingtalk_app = FakeDingTalkApp(self.clock, oapi=lambda: self.url("dingtalk"),
                                            api=lambda: self.url("dingtalk_app"))
        self.mounts["dingtalk"].append(self.dingtalk_app.mount)
        self.log: list[str] = []
        self.base_url = ""

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        for name, prefix in PREFIXES.items():
            sub = getattr(self, name).app()
            for mount in self.mounts.get(name, []):
                mount(sub)
            app.add_subapp(prefix, sub)
        return app

    def url(self, name: str) -> str:
        """The base URL a setting should hold to reach fake ``name`` (dingtalk, zzd, wecom, sms)."""
        return self.base_url + PREFIXES[name]

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        self.log.append(f"{request.method} {request.path} > {response.status}")
        return response
