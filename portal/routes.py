"""Every route, named."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from portal.views import auth, health, units


def setup_routes(app: web.Application, static: Path) -> None:
    app.router.add_get("/", units.home, name="home")
    app.router.add_get("/units/{unit_id:\\d+}", units.unit_detail, name="unit")
    app.router.add_get("/login", auth.login_page, name="login")
    app.router.add_post("/login", auth.login_submit, name="login_submit")
    app.router.add_post("/logout", auth.logout, name="logout")
    app.router.add_get("/healthz", health.healthz, name="healthz")
    app.router.add_static("/static", static, name="static")
