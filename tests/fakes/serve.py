"""Run the fake platforms (:class:`tests.fakes.platforms.FakePlatforms`) as a standalone server.

Benchmarks and fault tests start this in its own process so that the workers under test reach a
real loopback port and the fakes' counting never competes with the measured processes for CPU::

    .venv/bin/python tests/fakes/serve.py --port 0

The first line on stdout is ``listening http://127.0.0.1:PORT``. Besides the platforms under
their usual prefixes (``/dingtalk``, ``/zzd``, ``/wecom``, ``/sms``) it serves two control routes:

* ``POST /_robots`` ``{"robots": [{"token": …, "secret": …}]}`` registers DingTalk robots;
* ``GET /_stats`` returns what the fake DingTalk saw: delivered messages, unique and repeated
  ``msgUuid`` deliveries, the de-duplicated resends (``duplicates``), rate-limit violations and
  messages per robot token; ``?keys=1`` adds every delivered ``msgUuid``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from aiohttp import web

if __package__ in (None, ""):  # run as a script: make ``tests.fakes`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fakes.common import json_reply
from tests.fakes.platforms import FakePlatforms


def dingtalk_stats(platforms: FakePlatforms) -> dict[str, Any]:
    """Counts over the fake DingTalk's ``delivered`` list (one entry per accepted, new message)."""
    fake = platforms.dingtalk
    per_key = Counter((d.token, str(d.payload.get("msgUuid", ""))) for d in fake.delivered)
    repeated = {f"{token}/{key}": n for (token, key), n in per_key.items() if n > 1}
    return {
        "delivered": len(fake.delivered),
        "unique_msg_uuids": len(per_key),
        "without_msg_uuid": sum(n for (_token, key), n in per_key.items() if not key),
        "delivered_twice": repeated,
        "duplicates": fake.duplicates,
        "rate_violations": fake.rate_violations,
        "per_robot": dict(Counter(d.token for d in fake.delivered)),
        "requests": sum(1 for line in platforms.log if " /dingtalk/" in line),
    }


def control_app(platforms: FakePlatforms) -> web.Application:
    async def robots(request: web.Request) -> web.Response:
        body = await request.json()
        for robot in body.get("robots", []):
            platforms.dingtalk.add_robot(robot["token"], secret=robot.get("secret"), keyword=robot.get("keyword"))
        return json_reply({"robots": len(platforms.dingtalk.robots)})

    async def stats(request: web.Request) -> web.Response:
        data = dingtalk_stats(platforms)
        if request.query.get("keys"):
            data["keys"] = sorted({str(d.payload.get("msgUuid", "")) for d in platforms.dingtalk.delivered})
        return json_reply(data)

    app = platforms.app()
    app.router.add_post("/_robots", robots)
    app.router.add_get("/_stats", stats)
    return app


async def serve(host: str, port: int) -> None:
    platforms = FakePlatforms()
    runner = web.AppRunner(control_app(platforms), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    platforms.base_url = f"http://{host}:{bound}"
    print(f"listening {platforms.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed on the first line)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
