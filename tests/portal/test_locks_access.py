"""The restricted persona: the steward of 甲县财政局 after its month-end lock, walked over every route
like tests/portal/test_access.py. Reading pages (GET, ``VIEW_DATA``) answer as for any steward; the
解锁申请 form is open; every other route the steward may use answers the Chinese page saying why."""

from __future__ import annotations

from datetime import date

from aiohttp.test_utils import TestClient

from models.accounts.permissions import Action
from models.core.db import transaction
from models.locks.monthend import lock_month
from portal.app import create_app
from tests.portal.conftest import csrf_token, login
from tests.portal.test_access import EXPECTED, OK, classify, objects

__all__ = ["objects"]
RESTRICTED = "restricted"
SHOWN = "您的账号暂时受限"
KEEP = {"link", "link_act", "item_link", "item_link_act"}  # a forged token is refused before anyone is asked


def expected_when_restricted(name: str, method: str, action: Action | None) -> str:
    steward = EXPECTED[name][2]["steward"]
    if steward != OK or action is None or name in KEEP or (method == "GET" and action == Action.VIEW_DATA):
        return steward
    return RESTRICTED


async def lock_the_stewards_unit(rt) -> None:
    async with transaction(rt.sessions) as session:
        await lock_month(session, month="2026-10", as_of=date(2026, 11, 1), actor="system", required=2)


async def test_a_restricted_steward_may_read_and_ask_to_unlock_and_nothing_else(aiohttp_client, settings, redis,
                                                                                 rt, objects):
    await lock_the_stewards_unit(rt)
    app = create_app(settings)
    actions = {route.name: getattr(route.handler, "requires", None) for route in app.router.routes() if route.name}
    client: TestClient = await aiohttp_client(app)
    assert (await login(client, "steward")).headers["Location"] == "/locked", "at login: first, why"
    wrong, refused = {}, set()
    for name, (method, path, _) in EXPECTED.items():
        if name in ("logout", "login_submit"):
            continue
        data = {"_csrf": await csrf_token(client)} if method == "POST" else None
        response = await client.request(method, path.format(**objects), data=data, allow_redirects=False)
        got = classify(response.status, response.headers.get("Location", ""))
        if response.status == 403 and SHOWN in await response.text():
            got = RESTRICTED
            refused.add(name)
        if got != (want := expected_when_restricted(name, method, actions[name])):
            wrong[name] = (got, want)
    assert not wrong, f"(got, expected) {wrong}"
    assert {"item_create", "warning_act", "correct_submit", "person_reveal", "task_handle", "item_act",
            "my_notifications", "my_notifications_save", "item_new_menu"} <= refused
    form = await client.get(f"/items/new/unlock?unit={objects['unit']}", allow_redirects=False)
    assert form.status == 200 and "解锁理由" in await form.text()
    quota = await client.get(f"/items/new/use_quota?unit={objects['unit']}", allow_redirects=False)
    assert quota.status == 403 and SHOWN in await quota.text()
