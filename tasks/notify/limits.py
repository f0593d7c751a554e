"""Limits shared by every worker, kept in Redis (transport state: losing it only costs caution).

* Per-robot send rate (DingTalk and WeCom robots: 20 per minute): a sliding-window log in one
  Lua script, so the decision and the booking are atomic across workers. A window one second
  longer than the platform's absorbs the delay between our clock and the platform's arrival
  time. (A token bucket sized to the same limit would allow 2× bursts across a window edge,
  which the platform counts as a violation and punishes with a 10-minute block.) The log is
  keyed by the robot (a hash of its token), so two targets bound to one group share it. When
  the log is missing — Redis flushed or restarted — it is rebuilt from the last window's
  delivery rows before deciding, so a flush costs a query, not a 10-minute block.
* Per-user identical content once a day (浙政钉 / DingTalk work notifications drop repeats).
* Per-phone SMS cap per day.
* SMS numbers under the platform's flow control (``isv.BUSINESS_LIMIT_CONTROL`` /
  ``DAY_LIMIT_CONTROL``): the number is held until its window passes; messages to other numbers
  of the same target, and to other targets, go on. A flushed Redis forgets a hold: the next send
  is refused by Aliyun again and the hold comes back, at the cost of one refused call.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

WINDOW_MARGIN = 61.0  # the platforms count 20 per 60 s; one second more absorbs clock and network skew
RATE_LIMITS: dict[str, tuple[int, float]] = {kind: (20, WINDOW_MARGIN) for kind in ("dingtalk", "zzd_robot", "wecom")}
ONCE_A_DAY = {"zzd_work"}
SMS_DAILY_CAP = 10

# KEYS[1] = log key; ARGV = now, window, limit, member. Returns 0 when booked, else ms to wait.
SLIDING_WINDOW = """
local now = tonumber(ARGV[1]); local window = tonumber(ARGV[2]); local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.ceil((tonumber(oldest[2]) + window - now) * 1000)
"""


def robot_key(kind: str, config: dict[str, Any], target_id: int) -> str:
    """The rate-limit key: the robot itself (its token), not the binding that uses it."""
    token = str(config.get("access_token") or config.get("key") or f"target-{target_id}")
    return f"bzops:rate:{kind}:{hashlib.sha256(token.encode()).hexdigest()[:20]}"


async def acquire(redis: Any, key: str, kind: str, member: str, recent: Callable[[], Awaitable[list[float]]]) -> float:
    """Book one send; returns 0.0, or the seconds to wait. ``recent`` lists the epoch times of
    this robot's sends in the last window, from the database, for rebuilding a lost log."""
    if kind not in RATE_LIMITS:
        return 0.0
    limit, window = RATE_LIMITS[kind]
    if not await redis.exists(key):
        sent = await recent()
        if sent:  # members are the times themselves: two workers rebuilding at once add the same ones
            await redis.zadd(key, {f"db:{at}": at for at in sent})
    wait_ms = await redis.eval(SLIDING_WINDOW, 1, key, time.time(), window, limit, member)
    return int(wait_ms) / 1000.0


async def first_today(redis: Any, target_id: int, kind: str, body: str, today: date) -> bool:
    """False if this target already got exactly this content today (the platform would drop it)."""
    if kind not in ONCE_A_DAY:
        return True
    digest = hashlib.sha1(body.encode(), usedforsecurity=False).hexdigest()
    return bool(await redis.set(f"bzops:once:{target_id}:{today}:{digest}", 1, nx=True, ex=26 * 3600))


async def sms_allowed(redis: Any, target_id: int, kind: str, today: date, cap: int = SMS_DAILY_CAP) -> bool:
    if kind != "sms":
        return True
    key = f"bzops:sms:{target_id}:{today}"
    count = await redis.incr(key)
    await redis.expire(key, 26 * 3600)
    return int(count) <= cap


def _hold_key(phone: str) -> str:
    return f"bzops:smshold:{hashlib.sha1(phone.encode(), usedforsecurity=False).hexdigest()[:20]}"


async def hold_numbers(redis: Any, numbers: list[str], seconds: float) -> None:
    """Hold ``numbers`` for ``seconds`` (the platform's flow-control window)."""
    for phone in numbers:
        await redis.set(_hold_key(phone), 1, ex=max(int(seconds), 1))


async def held_for(redis: Any, numbers: list[str]) -> float:
    """Seconds until every one of ``numbers`` may be sent to again (0: none is held)."""
    waits = [await redis.ttl(_hold_key(phone)) for phone in numbers]
    return float(max([w for w in waits if w and w > 0], default=0))
