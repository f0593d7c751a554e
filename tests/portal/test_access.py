"""Every registered route, for every persona: the answer the permission table and the scope give.

The expectations are written out by hand, one row per route, so a change to the permission table
or a new route without a row fails here until someone decides who may reach it.
"""

from __future__ import annotations

from datetime import date

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from models.accounts.store import ScopeSpec
from models.core.db import transaction
from models.core.decision import Actor
from models.notify.targets import TargetSpec, create_target
from models.staffing.changes import ChangeRequest, request_change
from models.staffing.tables import Person
from models.warnings.config import change_rule
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from portal.app import create_app
from tests.factories import add_account, add_persons, person_record
from tests.portal.conftest import csrf_token, login

PERSONAS = ("steward", "officer", "leader", "org", "auditor", "admin", "outsider", "anonymous")
OK, DENIED, LOGIN, HIDDEN = "ok", "403", "login", "404"
EVERYONE = dict.fromkeys(PERSONAS[:-1], OK) | {"outsider": HIDDEN, "anonymous": LOGIN}
DECIDERS = {"steward": DENIED, "officer": OK, "leader": OK, "org": DENIED, "auditor": DENIED, "admin": OK,
            "outsider": DENIED, "anonymous": LOGIN}
ADMIN_ONLY = dict.fromkeys(PERSONAS[:-1], DENIED) | {"admin": OK, "anonymous": LOGIN}
ADMIN_AUDITOR = ADMIN_ONLY | {"auditor": OK}
OPEN = dict.fromkeys(PERSONAS, OK)
CORRECTORS = {"steward": OK, "officer": OK, "leader": DENIED, "org": DENIED, "auditor": DENIED, "admin": OK,
              "outsider": HIDDEN, "anonymous": LOGIN}

# route name -> (method, path, persona -> expected answer). {warning} is the steward's unit's warning.
EXPECTED: dict[str, tuple[str, str, dict[str, str]]] = {
    "home": ("GET", "/", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "unit": ("GET", "/units/{unit}", EVERYONE),
    "person": ("GET", "/persons/{person}", EVERYONE),
    "person_reveal": ("POST", "/persons/{person}/reveal", {  # full ID number: steward, officer, admin
        "steward": OK, "officer": OK, "leader": DENIED, "org": DENIED, "auditor": DENIED, "admin": OK,
        "outsider": HIDDEN, "anonymous": LOGIN}),
    "warnings": ("GET", "/warnings", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "warning": ("GET", "/warnings/{warning}", EVERYONE),
    "warning_act": ("POST", "/warnings/{warning}/acknowledge", EVERYONE),
    "warning_file": ("GET", "/warnings/{warning}/files/none.pdf", EVERYONE | {
        p: HIDDEN for p in PERSONAS[:-2]}),  # the warning is visible, the file does not exist
    "correct": ("GET", "/warnings/{warning}/correct", CORRECTORS),
    "correct_submit": ("POST", "/warnings/{warning}/correct", CORRECTORS),  # nothing typed: the form again
    "change": ("GET", "/changes/{change}", EVERYONE),
    "change_decide": ("POST", "/changes/{change}/confirm", {  # 二人复核: officers and admins
        "steward": DENIED, "officer": OK, "leader": DENIED, "org": DENIED, "auditor": DENIED, "admin": OK,
        "outsider": DENIED, "anonymous": LOGIN}),
    "rules": ("GET", "/admin/rules", DECIDERS | {"auditor": OK}),
    "rule_update": ("POST", "/admin/rules/A1_ID_INVALID", ADMIN_ONLY),
    "holidays": ("GET", "/admin/holidays", DECIDERS | {"auditor": OK}),
    "holiday_day": ("POST", "/admin/holidays/day", ADMIN_ONLY),
    "holiday_import": ("POST", "/admin/holidays/import", ADMIN_ONLY),
    "holiday_year": ("POST", "/admin/holidays/year", ADMIN_ONLY),
    "targets": ("GET", "/admin/targets", ADMIN_AUDITOR),
    "target_new": ("GET", "/admin/targets/new", ADMIN_ONLY),
    "target_create": ("POST", "/admin/targets/new", ADMIN_ONLY),
    "target": ("GET", "/admin/targets/{target}", ADMIN_AUDITOR),
    "target_edit": ("GET", "/admin/targets/{target}/edit", ADMIN_ONLY),
    "target_update": ("POST", "/admin/targets/{target}/edit", ADMIN_ONLY),
    "target_test": ("POST", "/admin/targets/{target}/test", ADMIN_ONLY),
    "target_disable": ("POST", "/admin/targets/{target}/disable", ADMIN_ONLY),
    "target_enable": ("POST", "/admin/targets/{target}/enable", ADMIN_ONLY),
    "my_notifications": ("GET", "/me/notifications", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "my_notifications_save": ("POST", "/me/notifications", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "accounts": ("GET", "/admin/accounts", ADMIN_ONLY),
    "account_unlock": ("POST", "/admin/accounts/{account}/unlock", ADMIN_ONLY),
    "address_unblock": ("POST", "/admin/accounts/addresses/unblock", ADMIN_ONLY),
    "link": ("GET", "/a/not-a-token", OPEN),  # a refused link gets its page, logged in or not
    "link_act": ("POST", "/a/not-a-token", OPEN),
    "card_walk": ("GET", "/cards/digest-t0-none-0", EVERYONE | {p: HIDDEN for p in PERSONAS[:-1]}),
    "login": ("GET", "/login", OPEN),
    "login_submit": ("POST", "/login", OPEN),
    "logout": ("POST", "/logout", OPEN),
    "healthz": ("GET", "/healthz", OPEN),
    # 免登: not configured in these settings, so the page sends the logged-out to the password login
    "sso": ("GET", "/auth/dingtalk", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "sso_submit": ("POST", "/auth/dingtalk", OPEN),
    "sso_unlinked": ("GET", "/auth/dingtalk/unlinked", OPEN),
    # the robot's callback: no session counts, only DingTalk's signature (none here: 403 for everyone)
    "robot_callback": ("POST", "/callbacks/dingtalk/robot", dict.fromkeys(PERSONAS, DENIED)),
}
MACHINE_ROUTES = {"static", "sms_receipts"}  # no session: static files, and a callback that checks its own token
SIGNED_CALLBACKS = {"robot_callback"}  # checked in EXPECTED, but their credential is a signature, not a role
SSO_ROUTES = {"sso", "sso_submit", "sso_unlinked"}  # logging in, like /login: the credential is a 免登 code


def classify(status: int, location: str) -> str:
    if status in (302, 303) and location.startswith("/login"):
        return LOGIN
    return {403: DENIED, 404: HIDDEN}.get(status, OK)


@pytest.fixture
async def objects(rt, world) -> dict[str, int]:
    await add_account(rt, "leader", "leader", [ScopeSpec("C1", True)])
    await add_account(rt, "org", "org", [ScopeSpec("C1", True)])
    await add_account(rt, "auditor", "auditor", [])
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))
    async with transaction(rt.sessions) as session:
        await change_rule(session, code="C3_VACANCY", actor="test", enabled=False)
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
        target = await create_target(session, rt.cipher, TargetSpec("测试群", "log", {}, ("digest",), "C1", True),
                                     actor="test")
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning).where(Warning.rule_code == "C1_OVER_QUOTA"))).one()
        person = (await session.scalars(select(Person).where(Person.unit_id == world.units["C1-A"]))).first()
    async with transaction(rt.sessions) as session:  # a correction of 在编状态 waiting for 二人复核
        change, _ = await request_change(session, ChangeRequest(
            "person", person.unit_id, person.id, warning.id, {"in_est": [True, False]}, "portal",
            Actor("steward", "steward", "王专员")))
    return {"unit": world.units["C1-A"], "person": person.id, "warning": warning.id, "target": target.id,
            "account": world.steward.id, "change": change}


def test_every_route_has_an_expectation(settings):
    names = {route.name for route in create_app(settings).router.routes() if route.name}
    assert names - MACHINE_ROUTES == set(EXPECTED), "a new route needs a row in EXPECTED"


@pytest.mark.parametrize("persona", PERSONAS)
async def test_each_persona_gets_the_expected_answer_on_every_route(aiohttp_client, settings, redis, objects, persona):
    client: TestClient = await aiohttp_client(create_app(settings))
    if persona != "anonymous":
        assert (await login(client, persona)).status == 303
    answers = {}
    for name, (method, path, expected) in EXPECTED.items():
        if name in ("logout", "login_submit"):
            continue  # ending or starting a session would change the persona for the routes after it
        url = path.format(**objects)
        data = {"_csrf": await csrf_token(client)} if method == "POST" else None
        response = await client.request(method, url, data=data, allow_redirects=False)
        answers[name] = (classify(response.status, response.headers.get("Location", "")), expected[persona])
    wrong = {name: got for name, got in answers.items() if got[0] != got[1]}
    assert not wrong, f"{persona}: (got, expected) {wrong}"


def test_every_signed_in_route_names_its_action_in_the_permission_table(settings):
    public = {"login", "login_submit", "logout", "healthz"} | MACHINE_ROUTES | SIGNED_CALLBACKS | SSO_ROUTES
    undeclared = [route.name for route in create_app(settings).router.routes()
                  if route.name not in public and not hasattr(route.handler, "requires")]
    assert undeclared == [], "every view checks the permission table through @requires"
