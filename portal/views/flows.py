"""The admin's flow editor: the steps each item kind walks, for everywhere or for one region.

Steps are edited on the server, without scripts: every button posts the whole form (name, role,
或签/会签, days per step) with what to do — 添加环节, 上移, 下移, 删除 re-draw the form unsaved; 保存
validates (models.approvals.flows), refuses a form drawn from an older version, and saves a new
version with an audit row. Input is never lost: a refused form comes back as it was typed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from models.accounts.permissions import Action, PermissionDenied
from models.approvals.flows import FlowError, FlowView, list_flows, reset_flow, save_flow
from models.approvals.kind import KINDS, kind_of
from models.approvals.labels import MODE_LABELS, ROLE_LABELS
from models.approvals.regions import flow_version, region_choices
from models.core.db import transaction
from portal.auth import requires
from portal.context import actor
from portal.flash import flash, redirect_with_message
from portal.keys import RUNTIME
from portal.render import render

LIST = "/admin/flows"
BLANK = {"name": "", "role": "officer", "mode": "any", "days": 2}


@requires(Action.EDIT_FLOWS)
async def flow_list(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        flows = await list_flows(session)
        regions = await region_choices(session)
    names = {r.code: r.name for r in regions}
    return render(request, "items/flows.html", {"flows": flows, "regions": regions, "names": names,
                                                "kinds": {code: k.label for code, k in KINDS.items()},
                                                "roles": ROLE_LABELS, "modes": MODE_LABELS, "error": flash(request)})


def _kind(raw: Any) -> str:
    kind = str(raw or "")
    if kind not in KINDS:
        raise web.HTTPNotFound()
    return kind


def _region(raw: Any) -> str:
    region = str(raw or "").strip()
    return region if len(region) == 6 and region.isdigit() else ""


async def _current(request: web.Request, kind: str, region: str) -> FlowView:
    """The saved flow of (kind, region), or — never edited there — the one that applies now, as version 0."""
    async with request.app[RUNTIME].sessions() as session:
        views = await list_flows(session)
    exact = next((v for v in views if v.kind == kind and v.region_code == region), None)
    wider = next((v for v in views if v.kind == kind and v.region_code == ""), None)
    if exact is not None:
        return exact
    steps = wider.steps if wider else kind_of(kind).steps
    return FlowView(kind, kind_of(kind).label, region, steps, 0, None, None)


@requires(Action.EDIT_FLOWS)
async def flow_edit(request: web.Request) -> web.StreamResponse:
    kind, region = _kind(request.query.get("kind")), _region(request.query.get("region"))
    view = await _current(request, kind, region)
    return await _editor(request, view, [s.as_data() for s in view.steps], view.version)


async def _editor(request: web.Request, view: FlowView, steps: list[dict[str, Any]], version: int,
                  error: str | None = None, status: int = 200) -> web.Response:
    async with request.app[RUNTIME].sessions() as session:
        regions = {r.code: r.name for r in await region_choices(session)}
    context = {"view": view, "steps": steps, "version": version, "error": error or flash(request),
               "roles": ROLE_LABELS, "modes": MODE_LABELS, "region_name": regions.get(view.region_code, "")}
    return render(request, "items/flow_edit.html", context, status=status)


def steps_of(form: Any) -> list[dict[str, Any]]:
    """The steps as typed, in order (unvalidated: the editor shows them back as they were)."""
    names, roles, modes, days = (form.getall(f, []) for f in ("name", "role", "mode", "days"))
    return [{"name": str(n), "role": str(r), "mode": str(m), "days": str(d)}
            for n, r, m, d in zip(names, roles, modes, days, strict=False)]


def rearranged(steps: list[dict[str, Any]], op: str) -> list[dict[str, Any]]:
    """添加环节 / 删除 / 上移 / 下移 (``add``, ``del-N``, ``up-N``, ``down-N``) applied to the typed steps."""
    verb, _, raw = op.partition("-")
    at = int(raw) if raw.isdigit() else -1
    moved = list(steps)
    if verb == "add":
        moved.append(dict(BLANK))
    elif verb == "del" and 0 <= at < len(moved):
        del moved[at]
    elif verb in ("up", "down"):
        other = at - 1 if verb == "up" else at + 1
        if 0 <= at < len(moved) and 0 <= other < len(moved):
            moved[at], moved[other] = moved[other], moved[at]
    return moved


@requires(Action.EDIT_FLOWS)
async def flow_save(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    kind, region = _kind(form.get("kind", request.query.get("kind"))), _region(form.get("region"))
    op, steps = str(form.get("op", "save")), \
        steps_of(form)
    view = await _current(request, kind, region)
    raw = str(form.get("version", ""))
    version = int(raw) if raw.isdigit() else -1
    if op != "save":
        return await _editor(request, view, rearranged(steps, op), version)
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            if await flow_version(session, kind=kind, region_code=region) != version:
                raise FlowError("流程已被他人修改：请刷新后重新编辑（您的修改未保存）")
            saved = await save_flow(session, kind=kind, region_code=region, steps=steps, actor=actor(request))
    except (FlowError, PermissionDenied) as error:
        return await _editor(request, view, steps, version, str(error), status=400)
    where = f"（{region}）" if region else "（全部地区）"
    raise redirect_with_message(request, LIST, f"已保存：{view.kind_label}{where}审批流程第 {saved} 版")


@requires(Action.EDIT_FLOWS)
async def flow_reset(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    kind, region = _kind(form.get("kind", request.query.get("kind"))), _region(form.get("region"))
    async with transaction(request.app[RUNTIME].sessions) as session:
        dropped = await reset_flow(session, kind=kind, region_code=region, actor=actor(request))
    label = kind_of(kind).label
    where = f"（{region}）" if region else ""
    text = f"已恢复：{label}{where}改用上一级或系统默认流程" if dropped else "该流程本来就是默认流程"
    raise redirect_with_message(request, LIST, text)
