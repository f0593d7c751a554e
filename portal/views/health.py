"""``/healthz``: database, Redis and worker liveness as JSON (200 when the database answers)."""

from __future__ import annotations

import time

from aiohttp import web

from models.core.db import ping
from portal.keys import ARQ, RUNTIME
from tasks.worker import HEARTBEAT_KEY


async def healthz(request: web.Request) -> web.StreamResponse:
    report: dict[str, object] = {"database": "ok", "redis": "unavailable", "worker_seen_seconds_ago": None}
    try:
        async with request.app[RUNTIME].sessions() as session:
            await ping(session)
    except Exception as error:  # any driver error means the same thing here: not healthy
        report["database"] = f"error: {type(error).__name__}"
    await _redis_report(request, report)
    return web.json_response(report, status=200 if report["database"] == "ok" else 503)


async def _redis_report(request: web.Request, report: dict[str, object]) -> None:
    redis = request.app[ARQ]
    if redis is None:
        return
    try:
        beat = await redis.get(HEARTBEAT_KEY)
    except Exception as error:  # redis down after start: report, don't fail the probe
        report["redis"] = f"error: {type(error).__name__}"
        return
    report["redis"] = "ok"
    if beat:
        report["worker_seen_seconds_ago"] = round(time.time() - float(beat), 1)
