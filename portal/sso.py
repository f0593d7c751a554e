"""Where a logged-out visitor proves who they are: inside DingTalk or 浙政钉, 免登 first.

The chat apps name themselves in the User-Agent (``DingTalk``; 浙政钉 / 专有钉钉 ``TaurusApp`` or
``zwdd``). A page opened there goes to ``/auth/<platform>?next=…`` (portal/views/sso.py), which
gets an auth code from the app and comes back logged in; when the app is not configured, or
the page is opened elsewhere, the password login stays the way in. The User-Agent only picks
the way: the identity itself is proven by the code exchanged server-side.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from bot.identity import platform_ready
from models.accounts.platform_ids import Platform
from models.core.settings import Settings
from portal.keys import SETTINGS

# 浙政钉 first: its clients are DingTalk-based, and their User-Agent may name DingTalk too.
MARKERS: tuple[tuple[Platform, tuple[str, ...]], ...] = (("zzd", ("TaurusApp", "zwdd")), ("dingtalk", ("DingTalk",)))


def platform_of(user_agent: str, settings: Settings) -> Platform | None:
    """The configured chat app the request comes from, if any."""
    for platform, markers in MARKERS:
        if any(marker in user_agent for marker in markers) and platform_ready(settings, platform):
            return platform
    return None


def sso_url(platform: Platform, back_to: str) -> str:
    return f"/auth/{platform}?next={quote(back_to, safe='')}"


def sso_entry(request: web.Request, back_to: str) -> str | None:
    """``/auth/dingtalk?next=…`` or ``/auth/zzd?next=…`` for a visitor inside that app (when it is
    configured), else ``None``: the caller sends them to the password login instead."""
    platform = platform_of(request.headers.get("User-Agent", ""), request.app[SETTINGS])
    return sso_url(platform, back_to) if platform else None
