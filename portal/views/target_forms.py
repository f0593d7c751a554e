"""The target form: channel config fields generated from each channel's pydantic ``Config`` model,
the target's own settings, and validation errors in Chinese.

Secrets never travel back to the browser: secret fields render empty, and an empty secret on
edit keeps the stored one. Error texts come from the error type (and our own validators'
messages), never from the submitted input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import UnionType
from typing import Any, Union, get_args, get_origin

from multidict import MultiMapping
from pydantic import SecretStr, ValidationError

from bot import registry
from models.notify.tables import PURPOSES, Target
from models.notify.targets import purposes_of

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
INTS = {"group_wait_s": (0, 86_400), "group_interval_s": (0, 7 * 86_400), "repeat_workdays": (0, 30)}
FLAGS = ("subtree", "quiet_on_holidays", "s1_bypass")
TEXTS = ("name", "unit_code", "group_by", "quiet_start", "quiet_end")
GROUP_BY = {"unit": "每个机构一条汇总", "all": "所有机构合并为一条"}
PYDANTIC_TEXT = {"missing": "必填", "string_too_short": "不能为空", "too_short": "至少填写一项",
                 "too_long": "数量过多", "string_too_long": "过长", "string_pattern_mismatch": "格式不正确",
                 "extra_forbidden": "不支持该项", "bool_parsing": "应为是或否"}
Form = MultiMapping[Any]


@dataclass(frozen=True)
class ConfigField:
    name: str
    title: str
    widget: str  # text / secret / list / bool
    required: bool
    default: Any = None


def _widget(annotation: Any) -> str:
    """The input for a field type; ``X | None`` counts as ``X``."""
    types = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    if SecretStr in types:
        return "secret"
    if bool in types:
        return "bool"
    return "list" if any(get_origin(t) is list or t is list for t in types) else "text"


def config_fields(kind: str) -> list[ConfigField]:
    """One form field per field of the channel's ``Config`` model, in declaration order."""
    fields = registry.get(kind).Config.model_fields
    return [ConfigField(name, info.title or name, _widget(info.annotation), info.is_required(),
                        None if info.is_required() else info.get_default(call_default_factory=True))
            for name, info in fields.items()]


def config_raw(kind: str, form: Form, old: dict[str, Any] | None) -> dict[str, Any]:
    """The raw config from ``cfg.<field>`` inputs; blank means default, or the stored secret on edit."""
    raw: dict[str, Any] = {}
    for field in config_fields(kind):
        key = f"cfg.{field.name}"
        value = str(form.get(key, "")).strip()
        if field.widget == "bool":
            raw[field.name] = form.get(key) == "on"
        elif value:
            raw[field.name] = value
        elif field.widget == "secret" and old and old.get(field.name) and form.get(f"{key}.clear") != "on":
            raw[field.name] = old[field.name]
    return raw


def parse_config(kind: str, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """``(stored config, {})`` or ``({}, {field: Chinese error})``."""
    try:
        return registry.stored_config(registry.parse_config(kind, raw)), {}
    except ValidationError as exc:
        return {}, config_errors(exc)


def config_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_input=False, include_url=False):
        name = f"cfg.{error['loc'][0]}" if error["loc"] else "__all__"
        if error["type"] == "value_error":
            text = str(error.get("ctx", {}).get("error", "格式不正确"))
        else:
            text = PYDANTIC_TEXT.get(error["type"], "格式不正确")
        errors.setdefault(name, text)
    return errors


def config_values(kind: str, stored: dict[str, Any]) -> dict[str, Any]:
    """What the edit form shows: non-secret values; for a secret only whether it is set."""
    values: dict[str, Any] = {}
    for field in config_fields(kind):
        value = stored.get(field.name, field.default)
        if field.widget == "secret":
            values[field.name] = bool(value)
        elif field.widget == "list":
            values[field.name] = ", ".join(value or [])
        else:
            values[field.name] = value if field.widget == "bool" else (value or "")
    return values


def config_redisplay(kind: str, form: Form, old: dict[str, Any] | None) -> dict[str, Any]:
    """A refused form shown again: what was typed, except secrets (only whether one is stored)."""
    values: dict[str, Any] = {}
    for field in config_fields(kind):
        key = f"cfg.{field.name}"
        if field.widget == "secret":
            values[field.name] = bool(old and old.get(field.name))
        else:
            values[field.name] = form.get(key) == "on" if field.widget == "bool" else str(form.get(key, ""))
    return values


def values_of(target: Target, unit_code: str | None) -> dict[str, Any]:
    """The form's values for a stored (or a default, unsaved) target."""
    values: dict[str, Any] = {name: getattr(target, name) for name in (*FLAGS, *INTS, "name", "group_by",
                                                                      "quiet_start", "quiet_end")}
    return {**values, "unit_code": unit_code or "", "purposes": purposes_of(target)}


def read_settings(form: Form) -> tuple[dict[str, Any], dict[str, str]]:
    """The target's own settings as typed values, and errors keyed by field name."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in (*TEXTS, *INTS)}
    values |= {name: form.get(name) == "on" for name in FLAGS}
    values["purposes"] = [str(p) for p in form.getall("purposes", [])]
    errors = _check(values)
    if not errors:
        values |= {name: int(values[name]) for name in INTS}
    return values, errors


def _check(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values["name"] or len(values["name"]) > 100:
        errors["name"] = "请填写名称（100字以内）"
    if not values["purposes"] or any(p not in PURPOSES for p in values["purposes"]):
        errors["purposes"] = "至少选择一种用途"
    if values["group_by"] not in GROUP_BY:
        errors["group_by"] = "请选择分组方式"
    for name in ("quiet_start", "quiet_end"):
        if not TIME.match(values[name]):
            errors[name] = "时间格式应为 HH:MM"
    for name, (low, high) in INTS.items():
        text = values[name]
        if not text.isdigit() or not low <= int(text) <= high:
            errors[name] = f"应为 {low}–{high} 的整数"
    return errors


