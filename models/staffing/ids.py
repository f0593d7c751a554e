"""Resident ID (GB 11643-1999) and USCC (GB 32100-2015) checks, plus display masking.

Contract (pure functions, no I/O):

* ``check_id`` is the hard validity rule for 公民身份号码: length, charset, ISO 7064 MOD 11-2
  checksum and a real birth date in ``[1900-01-01, today]``. It deliberately does NOT use
  ``stdnum.cn.ric.validate``: that also checks the address code against a birth-year-dependent
  table, which refuses genuine numbers and raises ``KeyError`` on new district codes (domain §5.3).
* ``area_known`` is the advisory address-code lookup (rule A5); it never raises and never blocks.
* ``check_uscc`` uses its own checksum so codes whose first characters are letters are accepted
  (stdnum demands 8 leading digits).
* ``mask_*`` helpers hide personal data for display and logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul
from typing import Literal

IdStatus = Literal["ok", "length", "charset", "checksum", "date", "legacy15"]
Sex = Literal["M", "F"]

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_ASCII_BIAS = 48 * sum(_ID_WEIGHTS)
_ID_CHECK_CHARS = "10X98765432"
_ID18_RE = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH = date(1900, 1, 1)
LEGACY_HINT = "请改为18位：在第6位后插入“19”，末位补校验位"
CHECKSUM_HINT = "身份证号校验位错误：请逐位核对（常见为抄错一位或相邻两位颠倒）"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


@dataclass(frozen=True)
class IdCheck:
    """Outcome of ``check_id``.

    ``area`` and ``sex`` are filled whenever the characters allow it, ``birth`` only when the
    embedded date is real and within range, so callers can still compare a mistyped number
    against the profile (rule A3). ``message`` is empty for "ok", Chinese text otherwise.
    """

    number: str
    status: IdStatus
    birth: date | None
    sex: Sex | None
    area: str | None
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class UsccCheck:
    code: str
    ok: bool
    message: str
    register_dept: str | None
    org_kind: str | None


def normalise_id(text: str) -> str:
    """Strip, drop all whitespace and uppercase a trailing x (IDs are stored uppercase)."""
    return "".join(text.split()).upper()


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        # ASCII digits are their byte value minus 48: one C-level pass (runs twice per imported person).
        return _ID_CHECK_CHARS[(sum(map(mul, first17.encode(), _ID_WEIGHTS)) - _ID_ASCII_BIAS) % 11]
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def upgrade_legacy_id(id15: str) -> str:
    """Convert a pre-1999 15-digit number to 18 digits: insert "19" before YYMMDD, add the check."""
    number = normalise_id(id15)
    if len(number) != 15 or not _is_ascii_digits(number):
        raise ValueError("旧身份证号应为15位数字")
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_char(first17)


def check_id(text: str, today: date | None = None) -> IdCheck:
    """Validate a resident ID number; see ``IdCheck`` for what is filled in on failure."""
    today = date.today() if today is None else today
    number = normalise_id(text)
    if len(number) not in (15, 18):
        return _fail(number, "length", f"身份证号应为18位，实际{len(number)}位")
    if len(number) == 15:
        if _is_ascii_digits(number):
            return _check_legacy(number, today)
        return _fail(number, "charset", "15位旧身份证号应全部为数字")
    if not _ID18_RE.fullmatch(number):
        return _fail(number, "charset", "身份证号应为17位数字加1位数字或X")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        # The expected check character is not named: it narrows the number (it is a function of the
        # other 17 digits), and "fixing" the last digit to it hides a typo made elsewhere.
        return _parsed(number, "checksum", number[6:14], CHECKSUM_HINT, today)
    return _parsed(number, "ok", number[6:14], "", today)


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit alone would accept full-width and other Unicode digits.
    return text.isascii() and text.isdigit()


def _check_legacy(number: str, today: date) -> IdCheck:
    # The upgraded number is not spelled out: messages end up in shared reports (see LEGACY_HINT).
    return _parsed(number, "legacy15", "19" + number[6:12], f"15位旧身份证号，{LEGACY_HINT}", today)


def _parsed(number: str, status: IdStatus, yyyymmdd: str, message: str, today: date) -> IdCheck:
    """Build the result for a structurally sound number; a bad date overrides status "ok"."""
    birth, date_error = _parse_birth(yyyymmdd, today)
    if date_error and status in ("ok", "legacy15"):
        status, message = "date", date_error
    # The sequence number is the last 3 digits (15-digit) or digits 15-17 (18-digit); odd = male.
    sex: Sex = "M" if int(number[14] if len(number) == 15 else number[16]) % 2 else "F"
    return IdCheck(number, status, birth, sex, number[:6], message)


def _parse_birth(yyyymmdd: str, today: date) -> tuple[date | None, str]:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None, "身份证号中的出生日期（第7–14位）不是有效日期"
    # The digits are not repeated: a number with a bad date is not stored, so they are not in clear.
    if birth > today:
        return None, "身份证号中的出生日期（第7–14位）晚于今天"
    if birth < _EARLIEST_BIRTH:
        return None, "身份证号中的出生日期（第7–14位）早于1900年"
    return birth, ""


def _fail(number: str, status: IdStatus, message: str) -> IdCheck:
    return IdCheck(number, status, None, None, None, message)


def area_known(code6: str) -> bool | None:
    """Advisory: is ``code6`` in stdnum's GB/T 2260 table (any period)?

    Queries the table behind ``stdnum.cn.ric.get_birth_place`` directly, because that function
    also compares the code's validity years with a birth year, which says nothing about whether
    the code exists. Returns None when the input is malformed or the lookup fails; the table
    lags behind new districts (e.g. 330114), so False must only ever produce a hint.
    """
    if len(code6) != 6 or not _is_ascii_digits(code6):
        return None
    try:
        from stdnum import numdb

        parts = numdb.get("cn/loc").info(code6)
        return any("county" in props for _, props in parts)
    except Exception:
        return None


def mask_id(number: str) -> str:
    """Keep only the first 4 characters (province and city): 330102196001011230 -> 3301**************.

    The birth date and sex are stored and shown in clear, so any shown digit of the sequence (or the
    county) would narrow the number to a handful of candidates; with the county and the whole
    sequence hidden, thousands remain (see tests/models/test_id_privacy.py).
    """
    number = normalise_id(number)
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 4)


def mask_mobile(mobile: str) -> str:
    """Keep the last 4 digits only (尾号): 13812345678 -> *******5678.

    The first 3 digits name the carrier block and the middle 4 the block's home city (号段 tables
    are public), so with the person's city known, 138****5678 leaves a few dozen candidates; with
    only the last 4 shown, the prefix and the block stay unknown.
    """
    mobile = "".join(mobile.split())
    if len(mobile) < 8:
        return "*" * len(mobile)
    return "*" * (len(mobile) - 4) + mobile[-4:]


def mask_name(name: str) -> str:
    """Keep the first character only: 张三 -> 张*, 欧阳娜娜 -> 欧***; one character stays as is."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def normalise_uscc(text: str) -> str:
    return "".join(text.split()).replace("-", "").upper()


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters (all from ``USCC_ALPHABET``)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(text: str) -> UsccCheck:
    """Validate a 统一社会信用代码: length 18, GB 32100 charset and checksum."""
    code = normalise_uscc(text)
    dept, kind = (code[0] if code else None), (code[1] if len(code) > 1 else None)
    if len(code) != 18:
        return UsccCheck(code, False, f"统一社会信用代码应为18位，实际{len(code)}位", dept, kind)
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        message = f"统一社会信用代码含非法字符：{''.join(bad)}（不使用I、O、Z、S、V）"
        return UsccCheck(code, False, message, dept, kind)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return UsccCheck(code, False, f"统一社会信用代码校验位错误，应为{expected}", dept, kind)
    return UsccCheck(code, True, "", dept, kind)
