"""Limits shared by every worker, kept in Redis (transport state: losing it only costs caution).

* Per-target send rate (DingTalk and WeCom robots: 20 per minute): a sliding-window log in one
  Lua script, so the decision and the booking are atomic across workers. A window one second
  longer than the platform's absorbs the delay between our clock and the platform's arrival
  time. (A token bucket sized to the same limit would allow 2× bursts across a window edge,
  which the platform counts as a violation and punishes with a 10-minute block.)
* Per-user identical content once a day (浙政钉 / DingTalk work notifications drop repeats).
* Per-phone SMS cap per day.
"""

from __future__ import annotations

import hashlib
import time
from datetime import date
from typing import Any

RATE_LIMITS: dict[str, tuple[int, float]] = {"dingtalk": (20, 61.0), "zzd_robot": (20, 61.0), "wecom": (20, 61.0)}
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


async def acquire(redis: Any, target_id: int, kind: str, member: str) -> float:
    """Book one send for the target; returns 0.0, or the seconds to wait before trying again."""
    if kind not in RATE_LIMITS:
        return 0.0
    limit, window = RATE_LIMITS[kind]
    wait_ms = await redis.eval(SLIDING_WINDOW, 1, f"bzops:rate:{target_id}", time.time(), window, limit, member)
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
