"""The correction form: the fields a warning is about, pre-filled, and checked exactly as an import
row is checked (:mod:`tasks.importing`: the same cell parsers, the same cross-field checks).

The current record is turned into a row of cells, the edited fields replace their cells, and the
importer's row checker runs over it. A problem counts when it is on a field of the form that has a
value, or when the edit caused it (it is absent from the unedited row): an incomplete record may be
completed a field at a time, and nothing that was fine can become wrong. Only the edited fields
are taken from the checked row; every other value stays exactly as stored.

The ID number and the mobile are never pre-filled (the page would show them whole, outside the
audited 查看完整号码); left blank they stay unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from models.staffing.changes import field_label, is_sensitive
from models.staffing.ids import check_uscc, mask_mobile
from models.staffing.records import PersonRecord, UnitRecord
from tasks.importing import cells
from tasks.importing.columns import PERSON_COLUMNS, UNIT_COLUMNS, Column, read_back
from tasks.importing.persons import PersonRowChecker
from tasks.importing.reader import Table
from tasks.importing.rows import ParsedRow
from tasks.importing.units import UnitRowChecker

SECRET = ("id_number", "mobile")
GENERAL = "_"  # problems on fields outside the form
COLUMNS: dict[str, Column] = {c.field: c for c in (*PERSON_COLUMNS, *UNIT_COLUMNS)}
COLUMNS_BY_POSITION: dict[tuple[type, int], str] = {
    **{(PersonRecord, i): c.field for i, c in enumerate(PERSON_COLUMNS)},
    **{(UnitRecord, i): c.field for i, c in enumerate(UNIT_COLUMNS)},
}
LABELS = {"post_unit_code": "任职机构", "unit_code": "编制所在机构"}
HINTS = {"id_number": "留空表示不修改；请输入完整的18位号码", "mobile": "留空表示不修改",
         "retire_age": "如 60岁（依据文号）；一般留空"}


@dataclass
class FormField:
    """One input of the form as the template draws it."""

    name: str
    label: str
    kind: str  # text / date / select / number
    value: str
    current: str  # the stored value, as people read it
    options: tuple[tuple[str, str], ...] = ()
    sensitive: bool = False
    hint: str = ""
    error: str = ""
    maxlength: int = 200


def stored_text(record: PersonRecord | UnitRecord, name: str) -> str:
    """The stored value of ``name`` as the template's cell would hold it (labels, ISO dates)."""
    column = COLUMNS[name]
    return column.fmt(read_back(record, column))


def shown_current(record: PersonRecord | UnitRecord, name: str) -> str:
    text = stored_text(record, name)
    if name == "id_number":
        return "（已登记，如需核对请在人员页查看完整号码）" if text else "（空）"
    if name == "mobile":
        return mask_mobile(text) if text else "（空）"
    return text or "（空）"


def form_fields(record: PersonRecord | UnitRecord, names: tuple[str, ...], typed: dict[str, str] | None = None,
                units: list[tuple[str, str]] | None = None) -> list[FormField]:
    """The inputs for ``names``, pre-filled with ``typed`` (a re-shown form) or the stored values."""
    result = []
    for name in names:
        column = COLUMNS[name]
        value = typed[name] if typed is not None and name in typed else _prefill(record, name)
        current = shown_current(record, name)
        if name == "post_unit_code":  # people read units by name
            current = dict(units or ()).get(current, current)
        label = field_label(name) if name.startswith(("quotas.", "posts.")) else LABELS.get(name, column.header)
        result.append(FormField(name, label, _kind(column), value, current,
                                _options(column, units), is_sensitive(name), HINTS.get(name, column.note)))
    return result


def _prefill(record: PersonRecord | UnitRecord, name: str) -> str:
    return "" if name in SECRET else stored_text(record, name)


def _kind(column: Column) -> str:
    if column.parse is cells.parse_date:
        return "date"
    if column.options or column.field == "post_unit_code":
        return "select"
    return "number" if column.parse is cells.count else "text"


def _options(column: Column, units: list[tuple[str, str]] | None) -> tuple[tuple[str, str], ...]:
    if column.field == "post_unit_code":
        return tuple(units or ())
    return tuple((option, option) for option in column.options)


def edited(record: PersonRecord | UnitRecord, names: tuple[str, ...], form: dict[str, str]) -> list[str]:
    """The fields whose submitted text differs from the stored one (blank secrets: unchanged)."""
    changed = []
    for name in names:
        typed = form.get(name, "").strip()
        if name in SECRET and not typed:
            continue
        if typed != stored_text(record, name):
            changed.append(name)
    return changed


@dataclass
class Checked:
    record: Any  # the new PersonRecord / UnitRecord
    edits: list[str]
    errors: dict[str, str] = field(default_factory=dict)


def check_person(record: PersonRecord, names: tuple[str, ...], form: dict[str, str], *, unit_ids: dict[str, int],
                 today: date) -> Checked:
    """``record`` with the edited fields of ``form``, checked as the importer checks a row."""
    edits = edited(record, names, form)
    columns = list(enumerate(PERSON_COLUMNS))
    checker = PersonRowChecker(Table(columns, [], iter(())), unit_ids, today)
    before, after = _rows(checker, record, form, edits, PERSON_COLUMNS)
    errors = _errors(before, after, names, form, record, edits)
    return Checked(_person_with(record, after, edits), edits, errors)


def check_unit(record: UnitRecord, names: tuple[str, ...], form: dict[str, str]) -> Checked:
    """As :func:`check_person` for a unit; a typed USCC must also pass its checksum (a manual entry
    is held to more than an import, which takes the code and raises a warning)."""
    edits = edited(record, names, form)
    checker = UnitRowChecker(list(enumerate(UNIT_COLUMNS)))
    before, after = _rows(checker, record, form, edits, UNIT_COLUMNS)
    errors = _errors(before, after, names, form, record, edits)
    typed = after.values.get("uscc")
    if "uscc" in edits and typed and "uscc" not in errors and not check_uscc(typed).ok:
        errors["uscc"] = "统一社会信用代码校验不通过，请逐位核对"
    return Checked(_unit_with(record, after, edits), edits, errors)


def _rows(checker: PersonRowChecker | UnitRowChecker, record: Any, form: dict[str, str], edits: list[str],
          columns: tuple[Column, ...]) -> tuple[ParsedRow, ParsedRow]:
    stored = [stored_text(record, c.field) for c in columns]
    typed = [form.get(c.field, "").strip() if c.field in edits else stored[i] for i, c in enumerate(columns)]
    return checker.check(1, list(stored)), checker.check(1, list(typed))


def _errors(before: ParsedRow, after: ParsedRow, names: tuple[str, ...], form: dict[str, str], record: Any,
            edits: list[str]) -> dict[str, str]:
    old = {(p.position, p.reason) for p in before.problems}
    errors: dict[str, str] = {}
    for problem in after.problems:
        name = COLUMNS_BY_POSITION.get((type(record), problem.position)) if problem.position is not None else None
        filled = name in names and (name in edits or stored_text(record, name))
        if filled or (problem.position, problem.reason) not in old:
            key = name if name in names else GENERAL
            text = problem.reason if key != GENERAL else f"{problem.header or '记录'}：{problem.reason}"
            errors.setdefault(key, text)
    return errors



def _person_with(record: PersonRecord, row: ParsedRow, edits: list[str]) -> PersonRecord:
    values: dict[str, Any] = {}
    for name in edits:
        if name == "retire_age":
            values["retire_age_months"] = row.values.get("retire_age_months")
            values["retire_basis"] = row.values.get("retire_basis")
        elif name == "leader_kind":
            values[name] = row.values.get(name) or "none"
        else:
            values[name] = row.values.get(name)
    return replace(record, **values)


def _unit_with(record: UnitRecord, row: ParsedRow, edits: list[str]) -> UnitRecord:
    quotas, posts = dict(record.quotas), dict(record.posts)
    values: dict[str, Any] = {}
    for name in edits:
        parts = name.split(".")
        if parts[0] == "quotas":
            quotas[parts[1]] = row.values.get("quotas", {}).get(parts[1], 0)
        elif parts[0] == "posts":
            posts[(parts[1], parts[2])] = row.values.get("posts", {}).get((parts[1], parts[2]), 0)
        else:
            values[name] = row.values.get(name)
    return replace(record, quotas=quotas, posts=posts, **values)
