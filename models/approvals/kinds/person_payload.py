"""The person a 入编 item carries: stored with the ID number and mobile encrypted, checked as the
importer checks a row.

An item's payload is kept for years and shown on item pages, so it never holds an ID number or a
mobile in clear: :func:`enter_payload` encrypts them (AES-GCM, the records' cipher) and keeps the
keyed hash (to find the same person) and the masks (to show). Whoever files a 入编 (the portal's
form, a script) builds the payload with :func:`enter_payload`; :func:`person_record` reads it back
for the pre-check and for the writer, with the importer's row checks (ID number valid and matching
sex and birth date, required fields, no date after today, mobile, 退休年龄特殊规定, no control
characters) on the same validators (``models.staffing.ids``, ``retirement``) and in the same words.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.approvals.kinds.common import date_field, est_type_field, refuse, text_field
from models.core.crypto import FieldCipher
from models.core.enums import Identity, Sex, choices
from models.staffing.ids import check_id, mask_id, mask_mobile
from models.staffing.records import PersonRecord
from models.staffing.retirement import parse_age_override

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PLAIN = ("name", "sex", "est_type", "identity", "post_title", "education", "pro_title", "retire_age")
DATES = ("birth_date", "entry_date")
TEXTS = {"post_title": ("现任职务", 100), "education": ("学历", 40), "pro_title": ("职称", 60)}


def enter_payload(cipher: FieldCipher, values: dict[str, Any]) -> dict[str, Any]:
    """The payload of a 入编 item from parsed values in record terms (``id_number`` and ``mobile`` in
    clear, codes, dates): the secrets encrypted, dates as ISO text, nothing else added."""
    payload: dict[str, Any] = {k: values[k] for k in PLAIN if values.get(k) not in (None, "")}
    payload.update({k: _iso(values[k]) for k in DATES if values.get(k)})
    number = str(values.get("id_number") or "").strip().upper()
    if number:
        payload.update(id_enc=_seal(cipher, number), id_hash=cipher.lookup_hash(number), id_masked=mask_id(number))
    mobile = str(values.get("mobile") or "").strip()
    if mobile:
        payload.update(mobile_enc=_seal(cipher, mobile), mobile_masked=mask_mobile(mobile))
    return payload


@dataclass(frozen=True)
class EnteringPerson:
    record: PersonRecord  # in clear: never leaves the server
    id_hash: str


def person_record(cipher: FieldCipher, payload: dict[str, Any], *, unit_code: str, today: date) -> EnteringPerson:
    """The record a 入编 payload describes, 在编 and 在职 in ``unit_code``; :class:`ItemRefused` names
    the first problem."""
    number, id_hash = _id_number(cipher, payload, today)
    ident = check_id(number, today=today)
    sex, birth = _sex(payload), date_field(payload, "birth_date", "出生日期", today=today)
    if sex != ident.sex:
        refuse("性别与身份证号第17位不符（奇数为男，偶数为女）")
    if birth != ident.birth:
        refuse(f"出生日期与身份证号不符，身份证号中为{ident.birth}")
    months, _basis = _retire_age(payload)
    record = PersonRecord(
        id_number=number, name=text_field(payload, "name", "姓名", max_len=60), unit_code=unit_code, sex=sex,
        birth_date=birth, est_type=est_type_field(payload), identity=_identity(payload), status="active",
        in_est=True, entry_date=date_field(payload, "entry_date", "入编日期", today=today),
        post_unit_code=unit_code, mobile=_mobile(cipher, payload), retire_age_months=months,
        retire_basis=str(payload.get("retire_age") or "").strip() or None,
        post_title=_text(payload, "post_title"), education=_text(payload, "education"),
        pro_title=_text(payload, "pro_title"))
    return EnteringPerson(record, id_hash)


def _text(payload: dict[str, Any], name: str) -> str | None:
    title, max_len = TEXTS[name]
    return text_field(payload, name, title, max_len=max_len, required=False) or None


def _id_number(cipher: FieldCipher, payload: dict[str, Any], today: date) -> tuple[str, str]:
    if "id_number" in payload:  # a payload built by hand: a clear ID number must not be stored
        refuse("身份证号须经入编表单加密后提交")
    number = _open(cipher, payload.get("id_enc"), "身份证号")
    if not number:
        refuse("请填写身份证号")
    ident = check_id(number, today=today)
    if not ident.ok:
        refuse(ident.message)
    if payload.get("id_hash") != cipher.lookup_hash(ident.number):
        refuse("身份证号无法读取，请重新填写")
    return ident.number, str(payload["id_hash"])


def _sex(payload: dict[str, Any]) -> str:
    value = str(payload.get("sex") or "")
    if value not in {s.value for s in Sex}:
        refuse(f"请填写性别（{choices(Sex)}）")
    return value


def _identity(payload: dict[str, Any]) -> str:
    value = str(payload.get("identity") or "")
    if value not in {i.value for i in Identity}:
        refuse(f"请填写人员身份（{choices(Identity)}）")
    return value


def _mobile(cipher: FieldCipher, payload: dict[str, Any]) -> str | None:
    mobile = _open(cipher, payload.get("mobile_enc"), "手机号")
    if mobile and not MOBILE.match(mobile):
        refuse("手机号应为11位，以1开头")
    return mobile or None


def _retire_age(payload: dict[str, Any]) -> tuple[int | None, str | None]:
    try:
        return parse_age_override(str(payload.get("retire_age") or ""))
    except ValueError as error:
        refuse(str(error))


def _seal(cipher: FieldCipher, text: str) -> str:
    return base64.b64encode(cipher.encrypt(text)).decode("ascii")


def _open(cipher: FieldCipher, sealed: Any, title: str) -> str:
    if not sealed:
        return ""
    try:
        return cipher.decrypt(base64.b64decode(str(sealed), validate=True))
    except Exception:  # a payload sealed with another key, or damaged: the same answer either way
        refuse(f"{title}无法读取，请重新填写")


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
