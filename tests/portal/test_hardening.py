"""Redirects stay on the site, links survive login, expired forms lead back, headers protect pages."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.factories import PASSWORD
from tests.portal.conftest import csrf_token, login


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                                    "/%0a/evil.example", "/%5Cevil.example"])
async def test_login_never_redirects_off_site(client, world, target):
    token = await csrf_token(client)
    response = await client.post(f"/login?next={target}", allow_redirects=False, data={
        "login": "officer", "password": PASSWORD, "_csrf": token, "next": unquote(target)})
    assert response.status == 303 and response.headers["Location"] == "/"
    again = await client.get(f"/login?next={target}", allow_redirects=False)  # logged in: straight on
    assert again.headers["Location"] == "/"


async def test_a_chat_link_keeps_its_whole_query_through_login(client, world):
    link = f"/warnings?via=chat&unit={world.units['C1-A']}&severity=S1"
    bounce = await client.get(link, allow_redirects=False)
    assert parse_qs(urlsplit(bounce.headers["Location"]).query)["next"] == [link]
    form = await client.get(bounce.headers["Location"])
    assert f'value="{link.replace("&", "&amp;")}"' in await form.text()
    token = await csrf_token(client)
    done = await client.post("/login", data={"login": "officer", "password": PASSWORD, "_csrf": token, "next": link},
                             allow_redirects=False)
    assert done.headers["Location"] == link


async def test_an_expired_form_sends_the_person_to_log_in_and_back(client, world):
    assert (await login(client, "officer")).status == 303
    client.session.cookie_jar.clear()  # the session and its CSRF cookie are gone, as after a day away
    page = f"/units/{world.units['C1-A']}?tab=1"
    response = await client.post("/warnings/1/acknowledge", data={"_csrf": "stale"}, allow_redirects=False,
                                 headers={"Referer": f"http://{client.host}:{client.port}{page}"})
    assert response.status == 303
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["next"] == [page] and query["expired"] == ["1"]
    assert "登录已过期" in await (await client.get(response.headers["Location"])).text()


async def test_an_expired_htmx_request_asks_htmx_to_navigate(client, world):
    response = await client.post("/warnings/1/acknowledge", data={"_csrf": "x"}, allow_redirects=False,
                                 headers={"HX-Request": "true", "Referer": "http://elsewhere.example/a"})
    assert response.headers["HX-Redirect"].startswith("/login?next=%2F&expired=1")


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc", "0"])
async def test_absurd_page_numbers_show_a_page(as_user, page):
    client = await as_user("officer")
    assert (await client.get(f"/warnings?page={page}")).status == 200


async def test_every_response_carries_security_headers(client, world):
    public = await client.get("/login")
    assert "script-src 'self'" in public.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in public.headers["Content-Security-Policy"]
    assert public.headers["X-Content-Type-Options"] == "nosniff" and public.headers["Referrer-Policy"] == "same-origin"
    await login(client, "officer")
    private = await client.get("/")
    assert private.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in private.headers
    redirect = await client.get("/login", allow_redirects=False)
    assert redirect.status == 302 and redirect.headers["X-Frame-Options"] == "DENY"


async def test_no_page_runs_inline_script(as_user, world):
    client = await as_user("admin")
    for path in ("/", "/warnings", f"/units/{world.units['C1-A']}", "/admin/rules", "/admin/targets",
                 "/me/notifications"):
        html = await (await client.get(path)).text()
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html, path
