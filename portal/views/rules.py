"""Admin: the rule catalogue with its settings; enable/disable, severity, deadline, thresholds."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from models.accounts.permissions import Action, can
from models.core.db import transaction
from models.warnings.config import RuleConfigError, change_rule, load_rules
from models.warnings.rules.base import SEVERITIES
from portal.auth import requires
from portal.context import actor
from portal.flash import flash, redirect_with_message
from portal.keys import ACCOUNT, RUNTIME
from portal.render import render


@requires(Action.VIEW_RULES)
async def rule_list(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        rules = await load_rules(session)
    editable = can(request[ACCOUNT].role, Action.EDIT_RULES)  # type: ignore[union-attr]
    return render(request, "rules/list.html", {"rules": rules, "severities": SEVERITIES, "editable": editable,
                                               "error": flash(request), "json": json.dumps})


@requires(Action.EDIT_RULES)
async def rule_update(request: web.Request) -> web.StreamResponse:
    code, form = request.match_info["code"], await request.post()
    try:
        params = {name[6:]: _value(str(v)) for name, v in form.items() if name.startswith("param.")}
        async with transaction(request.app[RUNTIME].sessions) as session:
            await change_rule(session, code=code, actor=actor(request).login, enabled=form.get("enabled") == "on",
                              severity=str(form.get("severity") or "") or None,
                              deadline_days=int(str(form["deadline"])) if form.get("deadline") else None,
                              params=params)
    except (RuleConfigError, ValueError) as error:
        raise redirect_with_message(request, f"/admin/rules#{code}", str(error)) from None
    raise web.HTTPSeeOther(f"/admin/rules#{code}")


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"参数值不是有效的JSON：{text}") from error
