"""Stream mode end to end: the official SDK's client (real WebSocket, real frames and ACKs) against
the fake gateway, with ``bzops stream``'s serve loop, the real database and Redis.

The SDK opens its connection with a blocking HTTP call, so the fake platforms run on a thread of
their own here (on the test's event loop they could never answer it).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web
from click.testing import CliRunner
from pydantic import SecretStr

from models.warnings.tables import Warning
from portal.cli import cli
from tasks.cli.robot import serve
from tests.fakes.dingtalk_app import eventually
from tests.fakes.platforms import FakePlatforms
from tests.robot.conftest import USERS, robot_settings_for


@pytest.fixture
def threaded_fakes() -> Iterator[FakePlatforms]:
    platforms, loop, ready = FakePlatforms(), asyncio.new_event_loop(), threading.Event()
    runner = web.AppRunner(platforms.app())

    def run() -> None:
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        platforms.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(5)
    yield platforms
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


@pytest.fixture
async def streaming(settings, redis, rt, robot_world, threaded_fakes):
    """``bzops stream``'s loop, running against the threaded fake until the test ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(robot_settings_for(settings, threaded_fakes), stop))
    await eventually(lambda: threaded_fakes.dingtalk_app.connections == 1)
    yield threaded_fakes.dingtalk_app
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_a_robot_message_over_the_stream_is_answered_and_acked(streaming, rt, robot_world):
    mine = robot_world.mine
    frame = streaming.push(streaming.robot_body(f"确认 W{mine.id}", sender=USERS["steward"], group=True))
    await eventually(lambda: len(streaming.acks) == 1)
    assert (streaming.acks[0].message_id, streaming.acks[0].code) == (frame, 200)
    assert len(streaming.replies) == 1 and f"已确认预警 **W{mine.id}**" in streaming.replies[0].text
    assert streaming.replies[0].payload["at"] == {"atUserIds": [USERS["steward"]]}
    async with rt.sessions() as session:
        assert (await session.get(Warning, mine.id)).status == "acknowledged"


async def test_a_frame_delivered_twice_is_acked_twice_and_answered_once(streaming, robot_world):
    body = streaming.robot_body("待办", sender=USERS["steward"])
    streaming.push(body)
    streaming.push(body)  # the gateway redelivers when it misses an ACK
    await eventually(lambda: len(streaming.acks) == 2)
    assert [ack.code for ack in streaming.acks] == [200, 200]
    await asyncio.sleep(0.1)
    assert len(streaming.replies) == 1 and f"W{robot_world.mine.id}" in streaming.replies[0].text


async def test_an_unknown_sender_over_the_stream_is_refused(streaming):
    streaming.push(streaming.robot_body("查 张三", sender="dt-nobody"))
    await eventually(lambda: len(streaming.replies) == 1)
    assert "尚未关联 BZOps 账号" in streaming.replies[0].text and "3301" not in streaming.replies[0].text


async def test_wrong_app_credentials_get_no_connection(settings, redis, rt, threaded_fakes):
    wrong = robot_settings_for(settings, threaded_fakes).model_copy(
        update={"dingtalk_app_secret": SecretStr("not-the-secret")})
    stop = asyncio.Event()
    task = asyncio.create_task(serve(wrong, stop))
    await eventually(lambda: any("/gateway/connections/open > 401" in line for line in threaded_fakes.log))
    stop.set()
    await asyncio.wait_for(task, 10)
    assert threaded_fakes.dingtalk_app.connections == 0


def test_bzops_stream_needs_the_app_credentials(settings):
    result = CliRunner().invoke(cli, ["stream"], obj=settings)
    assert result.exit_code == 1 and "BZOPS_DINGTALK_APP_KEY" in result.output
