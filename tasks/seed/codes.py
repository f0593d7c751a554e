"""Identifier builders for generated data: resident IDs, USCCs with their organisation codes, mobiles.

Every builder is a pure function of its inputs (and of a ``Random`` it is handed), so generated
files are reproducible. Checksums follow GB 11643 (ID), GB 11714 (organisation code) and
GB 32100 (USCC); :mod:`models.idcheck` validates what is built here.
"""

from __future__ import annotations

from datetime import date
from operator import mul
from random import Random

from models.staffing.ids import USCC_ALPHABET, uscc_check_char

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
# Registration kind (GB 32100 second character under 机构编制 "1"): 1 机关, 2 事业单位, 3 群团.
USCC_KIND = {"institution": "12", "mass": "13"}
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180",
                   "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199")


def ymd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def id_check_char(first17: str) -> str:
    """GB 11643 check character; the same as models.idcheck.id_check_char, about three times faster
    (it runs once per generated person)."""
    return "10X98765432"[sum(map(mul, map(int, first17), _ID_WEIGHTS)) % 11]


def resident_id(area: str, birth: date, sequence: int) -> str:
    """An 18-digit 公民身份号码; ``sequence`` (0–999) odd means male."""
    first17 = f"{area}{ymd(birth)}{sequence:03d}"
    return first17 + id_check_char(first17)


def legacy_id(number18: str) -> str:
    """The pre-1999 15-digit form of an ID of someone born in the 1900s (century and check dropped)."""
    return number18[:6] + number18[8:17]


def org_code(serial: int) -> str:
    """A GB 11714 organisation code: 8 digits from ``serial`` plus its check character."""
    body = f"{serial % 100_000_000:08d}"
    remainder = 11 - sum(int(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def uscc(unit_kind: str, region: str, serial: int) -> str:
    """A 机构编制-registered USCC (first character 1) with a valid GB 32100 check character."""
    first17 = "1" + USCC_KIND.get(unit_kind, "11")[1] + region + org_code(serial)
    return first17 + uscc_check_char(first17)


def break_uscc(code: str, rng: Random) -> str:
    """The same code with a wrong (but well-formed) check character: rule A8."""
    wrong = [ch for ch in USCC_ALPHABET if ch != code[17]]
    return code[:17] + rng.choice(wrong)


def break_id_check(number: str, rng: Random) -> str:
    """The same ID with a wrong check character: rule A1."""
    wrong = [ch for ch in "0123456789X" if ch != number[17]]
    return number[:17] + rng.choice(wrong)


def impossible_id_date(number: str, rng: Random) -> str:
    """The same ID with a birth date that cannot exist (month 13, 30 February, day 32) and a
    correct check character, so only rule A2 applies."""
    year = number[6:10]
    month_day = rng.choice(("1301", "0230", "0431", "0032", "1232", "0000"))
    first17 = number[:6] + year + month_day + number[14:17]
    return first17 + id_check_char(first17)


class MobileNumbers:
    """Distinct mobiles: the 8-digit subscriber part is a bijection of a running counter.

    Two affine maps with multipliers coprime to 10**8 around a digit reversal: an affine map alone
    would leave the low digits periodic (neighbours would end alike).
    """

    def __init__(self, rng: Random) -> None:
        self._maps = [(_unit_multiplier(rng), rng.randrange(100_000_000)) for _ in range(2)]
        self._rng = rng

    def number(self, counter: int) -> str:
        (a, b), (c, d) = self._maps
        reversed_ = int(f"{(a * counter + b) % 100_000_000:08d}"[::-1])
        prefix = MOBILE_PREFIXES[int(self._rng.random() * len(MOBILE_PREFIXES))]
        return f"{prefix}{(c * reversed_ + d) % 100_000_000:08d}"


def _unit_multiplier(rng: Random) -> int:
    """An odd multiplier that is not a multiple of 5, i.e. invertible modulo 10**8."""
    a = rng.randrange(10_000_001, 99_999_999, 2)
    return a + 2 if a % 5 == 0 else a
