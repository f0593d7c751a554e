"""Every route, named."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from portal.views import (
    accounts,
    auth,
    callbacks,
    cards,
    changes,
    corrections,
    flows,
    health,
    holidays,
    item_actions,
    item_forms,
    item_links,
    item_stats,
    items,
    links,
    locks,
    me,
    payroll,
    persons,
    robot,
    rules,
    score_actions,
    scores,
    selfcheck,
    sso,
    targets,
    unit_task_actions,
    unit_tasks,
    units,
    warning_actions,
    warnings,
)


def setup_routes(app: web.Application, static: Path) -> None:
    app.router.add_get("/", units.home, name="home")
    app.router.add_get("/units/{unit_id:\\d+}", units.unit_detail, name="unit")
    app.router.add_post("/units/{unit_id:\\d+}/lift", locks.lift, name="unit_lift")  # 锁定: officer, admin
    app.router.add_get("/locked", locks.restricted, name="restricted")  # why a steward is restricted
    app.router.add_get("/persons/{person_id:\\d+}", persons.person_detail, name="person")
    app.router.add_post("/persons/{person_id:\\d+}/reveal", persons.person_reveal, name="person_reveal")
    app.router.add_get("/warnings", warnings.inbox, name="warnings")
    app.router.add_get("/warnings/{warning_id:\\d+}", warnings.detail, name="warning")
    _correction_routes(app)  # before warning_act: its {action} would take "correct" too
    app.router.add_post("/warnings/{warning_id:\\d+}/{action:[a-z]+}", warning_actions.act, name="warning_act")
    app.router.add_get("/warnings/{warning_id:\\d+}/files/{name}", warning_actions.attachment, name="warning_file")
    _card_routes(app)
    _item_routes(app)
    _task_routes(app)
    _selfcheck_routes(app)
    _score_routes(app)
    app.router.add_get("/admin/rules", rules.rule_list, name="rules")
    app.router.add_post("/admin/rules/{code}", rules.rule_update, name="rule_update")
    app.router.add_get("/payroll", payroll.roster_page, name="payroll")  # 财政's 工资统发名单 (rules D4)
    app.router.add_post("/payroll/import", payroll.roster_import, name="payroll_import")
    _calendar_routes(app)
    _notification_routes(app)
    _account_routes(app)
    app.router.add_get("/login", auth.login_page, name="login")
    app.router.add_post("/login", auth.login_submit, name="login_submit")
    app.router.add_post("/logout", auth.logout, name="logout")
    _sso_routes(app)
    app.router.add_get("/healthz", health.healthz, name="healthz")
    app.router.add_static("/static", static, name="static")


def _card_routes(app: web.Application) -> None:
    """Chat cards: signed action links (GET confirms, POST acts) and walking a card's items."""
    app.router.add_get("/a/{token}", links.open_link, name="link")
    app.router.add_post("/a/{token}", links.act_on_link, name="link_act")
    app.router.add_get("/cards/{key:[a-z0-9-]+}", cards.walk, name="card_walk")


def _task_routes(app: web.Application) -> None:
    """任务流转: the office's list, form and board; a unit's part and its moves (portal/views/unit_task*.py)."""
    app.router.add_get("/tasks", unit_tasks.task_list, name="tasks")
    app.router.add_get("/tasks/new", unit_tasks.task_new, name="task_new")
    app.router.add_post("/tasks/new", unit_tasks.task_create, name="task_create")
    app.router.add_get("/tasks/{task_id:\\d+}", unit_tasks.task_detail, name="task")
    app.router.add_post("/tasks/{task_id:\\d+}/{move:publish|close}", unit_tasks.task_move, name="task_move")
    target = "/tasks/targets/{target_id:\\d+}"
    app.router.add_get(target, unit_task_actions.target_detail, name="task_target")
    app.router.add_post(f"{target}/{{move:receive|done|feedback}}", unit_task_actions.target_handle,
                        name="task_handle")
    app.router.add_post(f"{target}/{{move:evaluate|return}}", unit_task_actions.target_judge, name="task_judge")
    app.router.add_get(f"{target}/files/{{file_id:\\d+}}", unit_task_actions.target_file, name="task_file")


def _selfcheck_routes(app: web.Application) -> None:
    """自查: the entry, a unit's history, a check's page, its section screens and moves (portal/views/selfcheck.py)."""
    check, section = "/selfcheck/{check_id:\\d+}", "/selfcheck/{check_id:\\d+}/{n:\\d}"
    app.router.add_get("/selfcheck", selfcheck.entry, name="selfcheck")
    app.router.add_get("/selfcheck/units/{unit_id:\\d+}", selfcheck.history, name="selfcheck_history")
    app.router.add_post("/selfcheck/units/{unit_id:\\d+}/start", selfcheck.start, name="selfcheck_start")
    app.router.add_get(check, selfcheck.check_page, name="selfcheck_check")
    app.router.add_post(f"{check}/finish", selfcheck.finish, name="selfcheck_finish")
    app.router.add_post(f"{check}/abandon", selfcheck.abandon, name="selfcheck_abandon")
    app.router.add_get(section, selfcheck.section_page, name="selfcheck_section")
    app.router.add_post(f"{section}/open", selfcheck.open_section, name="selfcheck_open")
    app.router.add_post(f"{section}/confirm", selfcheck.confirm_section, name="selfcheck_confirm")


def _score_routes(app: web.Application) -> None:
    """评分 and 红黑榜: the month's lists, a unit's breakdown, 申诉, the appeal inbox, publishing (views/score*.py)."""
    run, appeal = "/scores/runs/{run_id:\\d+}", "/scores/deductions/{deduction_id:\\d+}/appeal"
    app.router.add_get("/scores", scores.scores_page, name="scores")
    app.router.add_get(run + "/units/{unit_id:\\d+}", scores.unit_page, name="score_unit")
    app.router.add_post(run + "/publish", score_actions.publish, name="score_publish")
    app.router.add_post(run + "/recompute", score_actions.recompute, name="score_recompute")
    app.router.add_get(appeal, score_actions.appeal_form, name="score_appeal_form")
    app.router.add_post(appeal, score_actions.appeal_submit, name="score_appeal")
    app.router.add_get("/scores/appeals", score_actions.appeal_inbox, name="score_appeals")
    app.router.add_post("/scores/appeals/{appeal_id:\\d+}/{decision:accept|reject}", score_actions.appeal_decide,
                        name="score_appeal_decide")


def _item_routes(app: web.Application) -> None:
    """Approval items (事项): my boxes, filing, an item's page and moves, card buttons, timeliness, flows."""
    item = "/items/{item_id:\\d+}"
    app.router.add_get("/items", items.item_list, name="items")
    app.router.add_get("/items/new", item_forms.kind_menu, name="item_new_menu")
    app.router.add_get("/items/new/{kind:[a-z_]+}", item_forms.new_form, name="item_new")
    app.router.add_post("/items/new/{kind:[a-z_]+}", item_forms.create, name="item_create")
    app.router.add_get("/items/room", item_forms.room, name="item_room")
    app.router.add_get("/items/stats", item_stats.item_stats, name="item_stats")
    app.router.add_get(item, items.item_page, name="item")
    app.router.add_post(item + "/{move:[a-z_]+}", item_actions.item_act, name="item_act")
    app.router.add_get(item + "/files/{file_id:\\d+}", items.item_file, name="item_file")
    app.router.add_get("/a/i/{token}", item_links.open_item_link, name="item_link")
    app.router.add_post("/a/i/{token}", item_links.act_on_item_link, name="item_link_act")
    app.router.add_get("/admin/flows", flows.flow_list, name="flows")
    app.router.add_get("/admin/flows/edit", flows.flow_edit, name="flow_edit")
    app.router.add_post("/admin/flows/edit", flows.flow_save, name="flow_save")
    app.router.add_post("/admin/flows/reset", flows.flow_reset, name="flow_reset")


def _correction_routes(app: web.Application) -> None:
    app.router.add_get("/warnings/{warning_id:\\d+}/correct", corrections.correct_form, name="correct")
    app.router.add_post("/warnings/{warning_id:\\d+}/correct", corrections.correct_submit, name="correct_submit")
    app.router.add_get("/changes/{change_id:\\d+}", changes.change_detail, name="change")
    app.router.add_post("/changes/{change_id:\\d+}/{decision:confirm|reject}", changes.change_decide,
                        name="change_decide")


def _account_routes(app: web.Application) -> None:
    app.router.add_get("/admin/accounts", accounts.account_list, name="accounts")
    app.router.add_post("/admin/accounts/{account_id:\\d+}/unlock", accounts.account_unlock, name="account_unlock")
    app.router.add_post("/admin/accounts/addresses/unblock", accounts.address_unblock, name="address_unblock")


def _calendar_routes(app: web.Application) -> None:
    app.router.add_get("/admin/holidays", holidays.holiday_list, name="holidays")
    app.router.add_post("/admin/holidays/day", holidays.holiday_day, name="holiday_day")
    app.router.add_post("/admin/holidays/import", holidays.holiday_import, name="holiday_import")
    app.router.add_post("/admin/holidays/year", holidays.holiday_year, name="holiday_year")


def _notification_routes(app: web.Application) -> None:
    target = "/admin/targets/{target_id:\\d+}"
    app.router.add_get("/admin/targets", targets.target_list, name="targets")
    app.router.add_get("/admin/targets/new", targets.target_new, name="target_new")
    app.router.add_post("/admin/targets/new", targets.target_create, name="target_create")
    app.router.add_get(target, targets.target_detail, name="target")
    app.router.add_get(f"{target}/edit", targets.target_edit, name="target_edit")
    app.router.add_post(f"{target}/edit", targets.target_update, name="target_update")
    app.router.add_post(f"{target}/test", targets.target_test, name="target_test")
    app.router.add_post(f"{target}/disable", targets.target_toggle, name="target_disable")
    app.router.add_post(f"{target}/enable", targets.target_toggle, name="target_enable")
    app.router.add_get("/me/notifications", me.notifications, name="my_notifications")
    app.router.add_post("/me/notifications", me.notifications_save, name="my_notifications_save")
    app.router.add_post(callbacks.SMS_PATH, callbacks.sms_receipts, name="sms_receipts")
    app.router.add_post(robot.ROBOT_PATH, robot.robot_callback, name="robot_callback")


def _sso_routes(app: web.Application) -> None:
    """免登 from inside DingTalk / 浙政钉 (portal/views/sso.py)."""
    platform = "/auth/{platform:dingtalk|zzd}"
    app.router.add_get(platform, sso.sso_page, name="sso")
    app.router.add_post(platform, sso.sso_submit, name="sso_submit")
    app.router.add_get(f"{platform}/unlinked", sso.unlinked, name="sso_unlinked")
