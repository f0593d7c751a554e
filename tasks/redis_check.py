"""A quick, bounded check that Redis answers, so commands fail fast with advice instead of hanging."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError


async def redis_reachable(url: str, timeout: float = 2.0) -> bool:
    client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(await asyncio.wait_for(client.ping(), timeout))
    except (RedisError, OSError, TimeoutError):
        return False
    finally:
        await client.aclose()


def redis_unreachable_message(url: str) -> str:
    parts = urlsplit(url)
    where = f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"
    return (
        f"无法连接 Redis（{where}）。BZOps 的后台任务队列需要 Redis。\n"
        f"  本机启动：redis-server --daemonize yes --port {parts.port or 6379} --save '' --appendonly no\n"
        "  或安装：  apt-get install redis-server\n"
        "  或设置 BZOPS_REDIS_URL 指向可用的 Redis。"
    )
