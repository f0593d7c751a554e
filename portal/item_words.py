"""An item's own fields (its payload) in words, for its page: labels, never keys; codes as their
Chinese labels; ID numbers and mobiles only as the masks the payload keeps (never the sealed values).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.core.enums import EstType, Identity, LeaderKind, Sex, label

Shown = Callable[[Any], str]


def _text(value: Any) -> str:
    return str(value)


def _coded(enum_type: Any) -> Shown:
    return lambda value: label(enum_type, str(value))


# key -> (label, how to show it); the order is the page's order. Keys not listed are not shown.
FIELDS: dict[str, tuple[str, Shown]] = {
    "name": ("姓名", _text), "id_masked": ("身份证号", _text), "sex": ("性别", _coded(Sex)),
    "birth_date": ("出生日期", _text), "est_type": ("编制类型", _coded(EstType)),
    "count": ("申请人数", lambda n: f"{n} 名"), "identity": ("人员身份", _coded(Identity)),
    "entry_date": ("入编日期", _text), "post_title": ("职务", _text), "education": ("学历", _text),
    "pro_title": ("职称", _text), "mobile_masked": ("手机号", _text), "leader_kind": ("领导职务", _coded(LeaderKind)),
    "title": ("职务名称", _text), "doc_no": ("任免文号", _text), "date": ("日期", _text),
    "chief": ("正职职数", lambda n: f"{n} 名"), "deputy": ("副职职数", lambda n: f"{n} 名"),
    "reason": ("理由", _text), "text": ("说明", _text),
}


def payload_lines(kind: str, payload: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) of the payload fields people read, in the page's order."""
    shown = []
    for key, (title, show) in FIELDS.items():
        value = (payload or {}).get(key)
        if value not in (None, "", [], {}):
            shown.append((_title(kind, key, title), show(value)))
    return shown


def _title(kind: str, key: str, title: str) -> str:
    if key == "reason":
        return {"exit": "出编原因", "use_quota": "用编理由", "unlock": "解锁理由"}.get(kind, title)
    if key == "date":
        return {"exit": "出编日期", "appoint": "任免日期"}.get(kind, title)
    return title
