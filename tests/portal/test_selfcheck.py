"""自查 in the portal: the whole pass by form posts, a double tap, confirming unopened, another unit's check."""

from __future__ import annotations

import re

from models.selfcheck.flow import open_check_id
from tests.portal.conftest import csrf_token

VERSION = re.compile(r'name="version" value="(\d+)"')


async def post(client, path: str, **data) -> tuple[int, str]:
    response = await client.post(path, data={"_csrf": await csrf_token(client), **data}, allow_redirects=False)
    return response.status, response.headers.get("Location", "")


async def version_on(client, path: str) -> str:
    match = VERSION.search(await (await client.get(path)).text())
    assert match, path
    return match.group(1)


async def test_a_steward_runs_a_whole_self_check(as_user, world, rt):
    client = await as_user("steward")
    assert "本月已完成 <strong>0/2</strong> 次" in await (await client.get("/selfcheck")).text()
    status, location = await post(client, f"/selfcheck/units/{world.units['C1-A']}/start")
    assert status == 303 and location.endswith("/1")
    check = location.rsplit("/", 2)[1]
    for n in range(1, 7):
        section = f"/selfcheck/{check}/{n}"
        assert f"第 {n}/6 项" in await (await client.get(section)).text()
        assert (await post(client, f"{section}/open"))[0] == 303
        outcome = {"outcome": "fixed", "fixed": "2"} if n == 1 else {"outcome": "ok"}
        status, location = await post(client, f"{section}/confirm", version=await version_on(client, section),
                                      note="已核对", **outcome)
        assert status == 303 and location == (f"/selfcheck/{check}/{n + 1}" if n < 6 else f"/selfcheck/{check}")
    version = await version_on(client, f"/selfcheck/{check}")
    assert (await post(client, f"/selfcheck/{check}/finish", version=version))[0] == 303
    page = await (await client.get(f"/selfcheck/{check}")).text()
    assert "计入本月自查" in page and "王专员" in page and "已完成 <strong>1/2</strong> 次" in page
    assert "6 / 6 项" in page and "2 条" in page and "steward" not in page


async def test_confirm_before_opening_is_refused_and_a_double_tap_acts_once(as_user, world, rt):
    client = await as_user("steward")
    _, location = await post(client, f"/selfcheck/units/{world.units['C1-A']}/start")
    _, again = await post(client, f"/selfcheck/units/{world.units['C1-A']}/start")
    assert again == location  # the check in progress, not a second one
    check = location.rsplit("/", 2)[1]
    version = await version_on(client, f"/selfcheck/{check}")
    await post(client, f"/selfcheck/{check}/3/confirm", version=version, outcome="ok")
    assert "请先点“查看”" in await (await client.get(f"/selfcheck/{check}/3")).text()
    await post(client, f"/selfcheck/{check}/3/open")
    version = await version_on(client, f"/selfcheck/{check}/3")
    for _ in range(2):
        await post(client, f"/selfcheck/{check}/3/confirm", version=version, outcome="ok")
    assert "本项已提交过" in await (await client.get(f"/selfcheck/{check}/3")).text()
    version = await version_on(client, f"/selfcheck/{check}")
    _, location = await post(client, f"/selfcheck/{check}/finish", version=version)
    assert "未逐项查看，不计入本月自查" in await (await client.get(location)).text()
    async with rt.sessions() as session:
        assert await open_check_id(session, unit_id=world.units["C1-A"]) is None


async def test_another_units_check_answers_404(as_user, world, rt):
    client = await as_user("steward")
    _, location = await post(client, f"/selfcheck/units/{world.units['C1-A']}/start")
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    outsider = await as_user("outsider")
    assert (await outsider.get(location)).status == 404
    assert (await outsider.post(f"/selfcheck/units/{world.units['C1-A']}/start",
                                data={"_csrf": await csrf_token(outsider)})).status == 404
