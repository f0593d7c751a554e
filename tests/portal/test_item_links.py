"""Item card buttons (/a/i/<token>): 同意 shows what will be approved and approves once on POST; a
second tap, someone else's link, a step that moved on, and an item link on the warning path are
refused calmly; 退回或不同意 opens the item's decision form."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.portal.conftest import csrf_token, login
from tests.portal.items_support import (
    events,
    file_use_quota,
    item_id_of,
    item_row,
    leader,
    outbox,
    personal,
    switch,
)

__all__ = ["leader", "personal"]


async def buttons_for(rt, target_id: int) -> dict[str, str]:
    """The newest card's buttons for ``target_id``, as paths."""
    card = [r for r in await outbox(rt) if r.target_id == target_id][-1]
    return {label: urlsplit(url).path for label, url in card.payload["buttons"]}


async def test_approve_from_the_card_once(client, as_user, world, personal, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    links = await buttons_for(rt, personal["officer"])
    await client.post("/logout", data={"_csrf": await csrf_token(client)}, allow_redirects=False)
    opened = await client.get(links["同意"], allow_redirects=False)
    assert opened.status == 302 and opened.headers["Location"].startswith("/login")  # and back afterwards
    assert (await login(client, "officer")).status == 303
    page = await (await client.get(links["同意"])).text()
    assert "申请使用行政编制2名" in page and "可用 5 名" in page and "科室初审" in page
    assert (await item_row(rt, item_id)).version == 1, "opening a link changes nothing"
    data = {"_csrf": await csrf_token(client), "version": "1"}
    done = await client.post(links["同意"], data=data, allow_redirects=False)
    assert done.status == 303
    assert "您已于" in await (await client.get(links["同意"])).text()
    again = await client.post(links["同意"], data={**data, "_csrf": await csrf_token(client)}, allow_redirects=False)
    assert again.status == 409 and "已经使用过" in await again.text()
    assert (await events(rt, item_id)).count("approved_step") == 1
    assert (await item_row(rt, item_id)).step_no == 1


async def test_someone_elses_link_and_a_moved_on_step_are_refused(client, as_user, world, personal, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    links = await buttons_for(rt, personal["officer"])
    await switch(client, "leader")
    assert (await client.get(links["同意"])).status == 403
    await switch(client, "steward")
    data = {"_csrf": await csrf_token(client), "version": "1"}
    await client.post(f"/items/{item_id}/withdraw", data=data, allow_redirects=False)
    await switch(client, "officer")
    assert "不再等待您审批" in await (await client.get(links["同意"])).text()
    refused = await client.post(links["同意"], data={"_csrf": await csrf_token(client)}, allow_redirects=False)
    assert refused.status == 404 and (await item_row(rt, item_id)).status == "withdrawn"


async def test_the_other_button_opens_the_decision_form_and_paths_do_not_mix(client, as_user, world, personal, rt):
    await as_user("steward")
    item_id = item_id_of(await file_use_quota(client, world.units["C1-A"]))
    links = await buttons_for(rt, personal["officer"])
    await switch(client, "officer")
    opened = await client.get(links["退回或不同意"], allow_redirects=False)
    assert opened.status == 302 and opened.headers["Location"] == f"/items/{item_id}?via=card#decide"
    token = links["同意"].rsplit("/", 1)[1]
    assert (await client.get(f"/a/{token}")).status == 400  # an item link on the warning path: refused
