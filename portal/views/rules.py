"""Admin: the rule catalogue with its settings; enable/disable, severity, deadline, thresholds."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from models.core.db import transaction
from models.warnings.config import RuleConfigError, change_rule, load_rules
from models.warnings.rules.base import SEVERITIES
from portal.auth import login_required
from portal.context import actor
from portal.keys import ACCOUNT, RUNTIME
from portal.render import render

ADMIN_ROLES = {"admin"}
READ_ROLES = {"admin", "auditor", "officer", "leader"}


def _require(request: web.Request, roles: set[str]) -> None:
    account = request[ACCOUNT]
    if account is None or account.role not in roles:
        raise web.HTTPForbidden()


@login_required
async def rule_list(request: web.Request) -> web.StreamResponse:
    _require(request, READ_ROLES)
    async with request.app[RUNTIME].sessions() as session:
        rules = await load_rules(session)
    editable = request[ACCOUNT].role in ADMIN_ROLES  # type: ignore[union-attr]
    return render(request, "rules/list.html", {"rules": rules, "severities": SEVERITIES, "editable": editable,
                                               "error": request.query.get("error"), "json": json.dumps})


@login_required
async def rule_update(request: web.Request) -> web.StreamResponse:
    _require(request, ADMIN_ROLES)
    code, form = request.match_info["code"], await request.post()
    try:
        params = {name[6:]: _value(str(v)) for name, v in form.items() if name.startswith("param.")}
        async with transaction(request.app[RUNTIME].sessions) as session:
            await change_rule(session, code=code, actor=actor(request).login, enabled=form.get("enabled") == "on",
                              severity=str(form.get("severity") or "") or None,
                              deadline_days=int(str(form["deadline"])) if form.get("deadline") else None,
                              params=params)
    except (RuleConfigError, ValueError) as error:
        from urllib.parse import quote

        raise web.HTTPSeeOther(f"/admin/rules?error={quote(str(error))}#{code}") from None
    raise web.HTTPSeeOther(f"/admin/rules#{code}")


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"参数值不是有效的JSON：{text}") from error
