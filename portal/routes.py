"""Every route, named."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from portal.views import auth, health, persons, rules, units, warnings


def setup_routes(app: web.Application, static: Path) -> None:
    app.router.add_get("/", units.home, name="home")
    app.router.add_get("/units/{unit_id:\\d+}", units.unit_detail, name="unit")
    app.router.add_get("/persons/{person_id:\\d+}", persons.person_detail, name="person")
    app.router.add_get("/warnings", warnings.inbox, name="warnings")
    app.router.add_get("/warnings/{warning_id:\\d+}", warnings.detail, name="warning")
    app.router.add_post("/warnings/{warning_id:\\d+}/{action:[a-z]+}", warnings.act, name="warning_act")
    app.router.add_get("/warnings/{warning_id:\\d+}/files/{name}", warnings.attachment, name="warning_file")
    app.router.add_get("/admin/rules", rules.rule_list, name="rules")
    app.router.add_post("/admin/rules/{code}", rules.rule_update, name="rule_update")
    app.router.add_get("/login", auth.login_page, name="login")
    app.router.add_post("/login", auth.login_submit, name="login_submit")
    app.router.add_post("/logout", auth.logout, name="logout")
    app.router.add_get("/healthz", health.healthz, name="healthz")
    app.router.add_static("/static", static, name="static")
