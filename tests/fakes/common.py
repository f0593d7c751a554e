"""Pieces every fake platform shares: a clock tests can move, rate windows, JSON replies."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web


class FakeClock:
    """Monotonic seconds that a test can move forward (rate windows, penalties, token expiry)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class RateWindow:
    """At most ``limit`` hits per ``window`` seconds per target; going over blocks the target
    for ``penalty`` seconds. Every refused hit counts in ``violations``."""

    def __init__(self, *, limit: int, window: float, penalty: float, clock: Callable[[], float]) -> None:
        self.limit, self.window, self.penalty, self.clock = limit, window, penalty, clock
        self.violations = 0
        self._hits: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def allow(self, target: str) -> bool:
        now = self.clock()
        hits = self._hits.setdefault(target, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if self._blocked_until.get(target, 0.0) > now:  # still serving the penalty
            self.violations += 1
            return False
        if len(hits) >= self.limit:
            self.violations += 1
            self._blocked_until[target] = now + self.penalty
            return False
        hits.append(now)
        return True


def json_reply(data: dict[str, Any], status: int = 200) -> web.Response:
    """A JSON reply in UTF-8 without \\u escapes, as the Chinese platforms send them."""
    return web.json_response(data, status=status, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))


def server_error() -> web.Response:
    return web.Response(status=500, text="<html><body>500 Internal Server Error</body></html>",
                        content_type="text/html")
