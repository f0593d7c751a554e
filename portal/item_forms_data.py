"""The new-item forms' data: where a form starts (unit, person or warning, in scope), what each kind's
form offers, and the application a posted form files. Values are kept as typed (strings) so a
refused form comes back unchanged; the kinds parse and check them (``models.approvals.kinds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.form_data import (
    Option,
    bases_for_form,
    bodies_for_form,
    person_option,
    persons_for_form,
    unit_option,
    units_for_form,
)
from models.approvals.kind import Application
from models.approvals.kinds.person_payload import enter_payload
from models.approvals.kinds.quota import quota_room
from models.approvals.outcome import ItemError
from models.core.enums import EstType, Identity, LeaderKind, label
from models.core.runtime import session_cipher
from models.staffing.bodies import list_bodies, unit_posts
from models.staffing.ids import check_id
from models.staffing.scope import Scope
from models.staffing.units import quota_vs_actual
from models.warnings.query import WarningRow, get_warning

POST_SCOPES = {"unit": "单位领导职数", "internal": "内设机构领导职数（合计）", "body": "某个内设机构的职数"}
ENTER_FIELDS = ("name", "id_number", "est_type", "identity", "entry_date", "post_title", "education", "mobile")


@dataclass(frozen=True)
class FormPlace:
    """Where a form starts: its unit (None: the user picks one), and the person or warning it is about."""

    scope: Scope
    unit: Option | None
    person: Option | None = None
    warning: WarningRow | None = None


def _id(values: Any, name: str) -> int | None:
    raw = str(values.get(name, "") or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def place_of(session: AsyncSession, scope: Scope, values: Any, today: date) -> FormPlace:
    """The unit, person or warning the request names, each in scope (404 otherwise)."""
    if (person_id := _id(values, "person")) is not None:
        found = await person_option(session, scope=scope, person_id=person_id)
        if found is None:
            raise web.HTTPNotFound()
        return FormPlace(scope, await unit_option(session, scope=scope, unit_id=found[1]), person=found[0])
    if (warning_id := _id(values, "warning")) is not None:
        warning = await get_warning(session, scope=scope, warning_id=warning_id, today=today)
        if warning is None:
            raise web.HTTPNotFound()
        return FormPlace(scope, await unit_option(session, scope=scope, unit_id=warning.unit_id), warning=warning)
    unit = None
    if (unit_id := _id(values, "unit")) is not None and (unit := await unit_option(
            session, scope=scope, unit_id=unit_id)) is None:
        raise web.HTTPNotFound()
    return FormPlace(scope, unit)


async def form_context(session: AsyncSession, kind: str, place: FormPlace, values: Any) -> dict[str, Any]:
    """What the kind's form shows: the units to pick from and the kind's own choices and figures."""
    context: dict[str, Any] = {"units": [] if place.unit else await units_for_form(session, scope=place.scope),
                               "est_types": {t.value: label(EstType, t.value) for t in EstType},
                               "identities": {i.value: label(Identity, i.value) for i in Identity},
                               "leader_kinds": {k.value: label(LeaderKind, k.value) for k in LeaderKind},
                               "post_scopes": POST_SCOPES, "room": None, "quotas": {}, "bases": [],
                               "persons": [], "bodies": [], "posts": {}}
    if place.unit is None:
        return context
    unit_id = place.unit.id
    if kind in ("use_quota", "enter"):
        context["quotas"] = await quota_types(session, unit_id)
        context["room"] = await room_of(session, unit_id, str(values.get("est_type") or ""), context["quotas"])
        context["bases"] = await bases_for_form(session, unit_id=unit_id) if kind == "enter" else []
    if kind == "appoint":
        context["persons"] = [] if place.person else await persons_for_form(session, unit_id=unit_id)
        context["bodies"] = await bodies_for_form(session, unit_id=unit_id)
    if kind == "posts":
        context["posts"] = {s: await unit_posts(session, unit_id=unit_id, scope=s) for s in ("unit", "internal")}
        context["bodies"] = await list_bodies(session, unit_id=unit_id)
    return context


async def quota_types(session: AsyncSession, unit_id: int) -> dict[str, str]:
    """The types the unit has a quota of, by label."""
    return {t: label(EstType, t) for t in await quota_vs_actual(session, unit_id=unit_id)}


async def room_of(session: AsyncSession, unit_id: int, est_type: str, quotas: dict[str, str]) -> Any:
    """The room (可用 N 名) for the chosen type, or for the unit's first type when none is chosen yet."""
    chosen = est_type if est_type in quotas else next(iter(quotas), "")
    return await quota_room(session, unit_id, chosen) if chosen else None


async def applications(session: AsyncSession, kind: str, place: FormPlace, form: Any) -> Application:
    """The application a posted form files (the kind checks every field)."""
    if place.unit is None:
        raise ItemError("请选择机构")
    unit = place.unit.id
    text = {k: str(form.get(k, "") or "").strip() for k in ("reason", "est_type", "count", "date", "text",
                                                            "leader_kind", "title", "doc_no", "scope")}
    builder = BUILDERS[kind]
    return await builder(session, unit, place, form, text)


async def _use_quota(_s: AsyncSession, unit: int, _p: FormPlace, _f: Any, t: dict[str, str]) -> Application:
    payload = {"est_type": t["est_type"], "count": t["count"], "reason": t["reason"]}
    return Application("use_quota", unit, quota_title(payload), payload)


def quota_title(payload: dict[str, Any]) -> str:
    """A 用编申请's title, also after 重新提交 changed its 人数 or 理由. The reason is in it, as in the
    demo: without it, lists and cards show several identical lines."""
    reason = str(payload.get("reason") or "")
    title = f"申请使用{label(EstType, str(payload.get('est_type') or ''))}{payload.get('count') or '?'}名"
    return (title + (f"：{reason}" if reason else ""))[:60]


async def _enter(session: AsyncSession, unit: int, _p: FormPlace, form: Any, _t: dict[str, str]) -> Application:
    values: dict[str, Any] = {k: str(form.get(k, "") or "").strip() for k in ENTER_FIELDS}
    ident = check_id(values["id_number"])
    values |= {"sex": ident.sex or "", "birth_date": ident.birth or ""}  # read from the ID number, not typed
    payload = enter_payload(session_cipher(session), values)
    return Application("enter", unit, f"{values['name'] or '新进人员'}入编", payload, basis_id=_id(form, "basis"))


async def _exit(_s: AsyncSession, unit: int, place: FormPlace, _f: Any, t: dict[str, str]) -> Application:
    person = _needs(place.person, "请从人员页面发起出编")
    return Application("exit", unit, f"{person.name}{t['reason']}出编", {"reason": t["reason"], "date": t["date"]},
                       person_id=person.id)


async def _unlock(_s: AsyncSession, unit: int, _p: FormPlace, _f: Any, t: dict[str, str]) -> Application:
    return Application("unlock", unit, "申请解锁专员账号", {"reason": t["reason"]})


async def _rectify(_s: AsyncSession, unit: int, place: FormPlace, _f: Any, t: dict[str, str]) -> Application:
    warning = _needs(place.warning, "请从预警页面发起整改销号")
    return Application("rectify", unit, f"整改销号：{warning.title}"[:200], {"text": t["text"]},
                       warning_id=warning.id)


async def _posts(_s: AsyncSession, unit: int, _p: FormPlace, form: Any, t: dict[str, str]) -> Application:
    payload: dict[str, Any] = {"scope": t["scope"]}
    numbers = {rank: str(form.get(rank, "")).strip() for rank in ("chief", "deputy")}
    payload |= {rank: number for rank, number in numbers.items() if number}  # blank: that rank stays
    if t["scope"] == "body":
        payload["body_id"] = _id(form, "body")
    return Application("posts", unit, f"核定{POST_SCOPES.get(t['scope'], '领导职数')}", payload)


async def _appoint(session: AsyncSession, unit: int, place: FormPlace, form: Any, t: dict[str, str]) -> Application:
    person = place.person
    if person is None and (picked := _id(form, "person_id")) is not None:
        found = await person_option(session, scope=place.scope, person_id=picked)
        person = found[0] if found else None
    payload: dict[str, Any] = {"leader_kind": t["leader_kind"], "title": t["title"], "doc_no": t["doc_no"],
                               "date": t["date"], "body_id": _id(form, "body")}
    name, person_id = (person.name, person.id) if person else ("人员", None)
    title = f"免去{name}的领导职务" if t["leader_kind"] == "none" else f"{name}任{t['title'] or '领导职务'}"
    return Application("appoint", unit, title[:200], payload, person_id=person_id)


def _needs(value: Any, message: str) -> Any:
    if value is None:
        raise ItemError(message)
    return value


BUILDERS = {"use_quota": _use_quota, "enter": _enter, "exit": _exit, "unlock": _unlock, "rectify": _rectify,
            "posts": _posts, "appoint": _appoint}
