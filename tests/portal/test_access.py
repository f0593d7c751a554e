"""Every registered route, for every persona: the answer the permission table and the scope give.

The expectations are written out by hand, one row per route, so a change to the permission table
or a new route without a row fails here until someone decides who may reach it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

import models.approvals.kinds  # noqa: F401  (registers the item kinds)
from models.accounts.scope import scope_for
from models.accounts.store import ScopeSpec
from models.approvals.engine import submit
from models.approvals.kind import Application
from models.core.db import transaction
from models.core.decision import Actor
from models.notify.targets import TargetSpec, create_target
from models.selfcheck import flow as selfcheck_flow
from models.staffing.changes import ChangeRequest, request_change
from models.staffing.tables import Person
from models.unittasks.publish import Audience, Draft, create_task, publish_task
from models.unittasks.query import board, task_in_scope
from models.warnings.config import change_rule
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from portal.app import create_app
from tests.factories import add_account, add_persons, person_record
from tests.portal.conftest import csrf_token, login
from tests.portal.scores_support import score_objects

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
TASK_PUBLISHERS = ADMIN_ONLY | {"officer": OK}  # 任务流转: publish, close, evaluate, return
TASK_HANDLERS = ADMIN_ONLY | {"steward": OK, "outsider": HIDDEN}  # the unit's steward receives and feeds back
SELF_CHECKERS = ADMIN_ONLY | {"steward": OK, "outsider": HIDDEN}  # 自查: the unit's steward (and admins)
SIGNED_IN = dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}
ITEM_FILERS = ADMIN_ONLY | {"steward": OK, "officer": OK, "outsider": OK}  # 事项: stewards and officers file
ITEM_DECIDERS = ADMIN_ONLY | {"officer": OK, "leader": OK, "org": OK}  # officers, leaders, departments sign

# route name -> (method, path, persona -> expected answer). {warning} is the steward's unit's warning.
EXPECTED: dict[str, tuple[str, str, dict[str, str]]] = {
    "home": ("GET", "/", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "unit": ("GET", "/units/{unit}", EVERYONE),
    "unit_lift": ("POST", "/units/{unit}/lift", ADMIN_ONLY | {"officer": OK}),  # 锁定: not locked, told so
    "restricted": ("GET", "/locked", SIGNED_IN),  # why a steward is restricted (or that they are not)
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
    "tasks": ("GET", "/tasks", dict.fromkeys(PERSONAS[:-1], OK) | {"anonymous": LOGIN}),
    "task_new": ("GET", "/tasks/new", TASK_PUBLISHERS),
    "task_create": ("POST", "/tasks/new", TASK_PUBLISHERS),  # nothing typed: the form again
    "task": ("GET", "/tasks/{task}", EVERYONE),
    "task_move": ("POST", "/tasks/{task}/publish", TASK_PUBLISHERS),  # published already: told so
    "task_target": ("GET", "/tasks/targets/{task_target}", EVERYONE),
    "task_handle": ("POST", "/tasks/targets/{task_target}/receive", TASK_HANDLERS),
    "task_judge": ("POST", "/tasks/targets/{task_target}/evaluate", TASK_PUBLISHERS),  # not fed back: told so
    "task_file": ("GET", "/tasks/targets/{task_target}/files/0", EVERYONE | {p: HIDDEN for p in PERSONAS[:-2]}),
    "selfcheck": ("GET", "/selfcheck", SELF_CHECKERS | {"outsider": OK}),
    "selfcheck_history": ("GET", "/selfcheck/units/{unit}", SELF_CHECKERS),
    "selfcheck_start": ("POST", "/selfcheck/units/{unit}/start", SELF_CHECKERS),  # one in progress: that one
    "selfcheck_check": ("GET", "/selfcheck/{selfcheck}", SELF_CHECKERS),
    "selfcheck_section": ("GET", "/selfcheck/{selfcheck}/2", SELF_CHECKERS),
    "selfcheck_open": ("POST", "/selfcheck/{selfcheck}/2/open", SELF_CHECKERS),
    "selfcheck_confirm": ("POST", "/selfcheck/{selfcheck}/2/confirm", SELF_CHECKERS),  # no version: told so
    "selfcheck_finish": ("POST", "/selfcheck/{selfcheck}/finish", SELF_CHECKERS),  # no version: told so
    "selfcheck_abandon": ("POST", "/selfcheck/{selfcheck}/abandon", SELF_CHECKERS),  # no version: told so
    "scores": ("GET", "/scores", SIGNED_IN),  # 红黑榜: published lists for everyone, drafts for the 编办
    "score_unit": ("GET", "/scores/runs/{score_run}/units/{unit}", EVERYONE),  # a unit's breakdown, in scope
    "score_appeal_form": ("GET", "/scores/deductions/{deduction}/appeal", SELF_CHECKERS),  # 申诉: the unit's steward
    "score_appeal": ("POST", "/scores/deductions/{deduction}/appeal", SELF_CHECKERS),  # no reason: the form again
    "score_appeals": ("GET", "/scores/appeals", TASK_PUBLISHERS),  # the appeal inbox: officers, admins
    "score_appeal_decide": ("POST", "/scores/appeals/{score_appeal}/accept", TASK_PUBLISHERS),  # no version: told so
    "score_publish": ("POST", "/scores/runs/{score_run}/publish", ADMIN_ONLY),  # no version: told so
    "score_recompute": ("POST", "/scores/runs/{score_run}/recompute", ADMIN_ONLY),  # no version: told so
    "items": ("GET", "/items", SIGNED_IN),
    "item_new_menu": ("GET", "/items/new", ITEM_FILERS),
    "item_new": ("GET", "/items/new/use_quota?unit={unit}", ITEM_FILERS | {"outsider": HIDDEN}),
    "item_create": ("POST", "/items/new/use_quota", ITEM_FILERS),  # no unit chosen: the form again, told so
    "item_room": ("GET", "/items/room?unit={unit}&est_type=GQ", ITEM_FILERS | {"outsider": HIDDEN}),
    "item_stats": ("GET", "/items/stats", ITEM_DECIDERS),
    "item": ("GET", "/items/{item}", EVERYONE),
    "item_act": ("POST", "/items/{item}/comment", EVERYONE),  # no comment typed (or not allowed): told so
    "item_file": ("GET", "/items/{item}/files/999999", EVERYONE | {p: HIDDEN for p in PERSONAS[:-2]}),
    "item_link": ("GET", "/a/i/not-a-token", OPEN),  # an item card's button: refused, with its page
    "item_link_act": ("POST", "/a/i/not-a-token", OPEN),
    "flows": ("GET", "/admin/flows", ADMIN_ONLY),
    "flow_edit": ("GET", "/admin/flows/edit?kind=use_quota", ADMIN_ONLY),
    "flow_save": ("POST", "/admin/flows/edit?kind=use_quota", ADMIN_ONLY),  # no version: refused, form again
    "flow_reset": ("POST", "/admin/flows/reset?kind=use_quota", ADMIN_ONLY),  # never edited: told so
    "payroll": ("GET", "/payroll", DECIDERS | {"auditor": OK}),  # 工资统发名单: finance too (test_payroll_portal)
    "payroll_import": ("POST", "/payroll/import", ADMIN_ONLY),  # and finance; no file chosen: told so
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
    task, task_target = await published_task(rt, world)
    return {"unit": world.units["C1-A"], "person": person.id, "warning": warning.id, "target": target.id,
            "account": world.steward.id, "change": change, "task": task, "task_target": task_target,
            "item": await filed_item(rt, world), "selfcheck": await started_check(rt, world),
            **await score_objects(rt, world)}


async def started_check(rt, world) -> int:
    """A self-check the steward started for 甲县财政局, still in progress."""
    async with transaction(rt.sessions) as session:
        scope = await scope_for(session, account_id=world.steward.id, role="steward")
        return await selfcheck_flow.start(session, unit_id=world.units["C1-A"], actor=Actor("steward", "steward"),
                                          scope=scope, tz="Asia/Shanghai")


async def filed_item(rt, world) -> int:
    """A 用编申请 the steward filed for 甲县财政局 (工勤编制: its 行政编制 is over), waiting for 科室初审."""
    application = Application("use_quota", world.units["C1-A"], "申请使用工勤编制1名",
                              {"est_type": "GQ", "count": 1, "reason": "补充司机"})
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, application, Actor("steward", "steward", "王专员"), today=date.today())
    return outcome.item_id


async def published_task(rt, world) -> tuple[int, int]:
    """A task the officer published to 甲县财政局 and 甲县教育局, and 甲县财政局's part of it."""
    officer, day = Actor("officer", "officer", "李科长"), date.today() + timedelta(days=1)
    async with transaction(rt.sessions) as session:
        scope = await scope_for(session, account_id=world.officer.id, role="officer")
        draft = Draft("核对学历", "", day, Audience("units", unit_ids=(world.units["C1-A"], world.units["C1-B"])))
        task_id = await create_task(session, draft, officer, scope=scope, today=day)
        await publish_task(session, await task_in_scope(session, scope=scope, login="officer", task_id=task_id),
                           officer, scope=scope, today=day)
        rows = await board(session, scope=scope, task_id=task_id)
    return task_id, next(r.id for r in rows if r.unit_id == world.units["C1-A"])


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
