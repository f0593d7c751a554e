"""No ID number can be rebuilt from what is stored in clear or shown: the reconstruction, tried.

Realistic persons (the seed generator, with its ID defects: wrong check digits, impossible dates,
15-digit numbers) are written through the real writer. For each one, an attacker holding a
database dump without the data key, the person page and every warning about the person lists
every ID number consistent with all of it: the clear columns (``id_area``, ``id_birth``,
``id_sex``, ``id_status``), the masked form, every masked form and digit shown on the page and
in the warnings, and what the import report and messages would show for that number. Unknown
county digits range over the city's real counties (stricter than 01–99) plus the city code
itself; the candidate must make the writer derive exactly the stored clear columns (checksum,
date, sex parity, status, mask). At least 1,000 candidates must remain for every person; with
the old mask (first 4 and last 4 shown, 6-digit area), the same attack pins almost everyone down.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice, product

from sqlalchemy import select

from models.core.db import transaction
from models.staffing.ids import check_id, id_check_char, mask_id, mask_mobile
from models.staffing.scope import Scope
from models.staffing.tables import PERSON
from models.warnings.query import WarningFilter, list_warnings
from models.warnings.scan import run_scan
from portal.app import create_app
from tasks.importing.rows import shown_value
from tasks.seed.generate import SeedOptions
from tasks.seed.regions import CITIES
from tasks.seed.writer import seed_database
from tests.factories import add_account
from tests.portal.conftest import login

AS_OF = date(2026, 6, 30)
ENOUGH = 1000
DIGITS = "0123456789"
COUNTIES = {city.region.code[:4]: sorted({"00", *(c.code[4:] for c in city.counties)}) for city in CITIES}
TOKEN = re.compile(r"(?<![0-9Xx*])[0-9Xx*]{8,24}(?![0-9Xx*])")
DIGIT_RUN = re.compile(r"\d{5,}")
TAGS = re.compile(r"<[^>]+>")


def old_mask(number: str) -> str:
    """The mask before the fix: first 4 and last 4 characters."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


@dataclass(frozen=True)
class Known:
    """What the attacker knows about one ID number."""

    area: str | None  # the clear id_area column
    birth: date | None
    sex: str | None
    status: str
    masked: str
    mask: Callable[[str], str]
    patterns: tuple[str, ...] = ()  # masked forms seen elsewhere: '*' unknown, others fixed

    @property
    def length(self) -> int:
        return len(self.masked)


def consistent(candidate: str, known: Known) -> bool:
    """Would the writer have stored exactly these clear columns for ``candidate``?"""
    ident = check_id(candidate, today=AS_OF)
    area = ident.area[:len(known.area)] if ident.area and known.area else ident.area
    return (ident.status == known.status and ident.birth == known.birth and ident.sex == known.sex
            and area == known.area and known.mask(candidate) == known.masked)


def position_sets(known: Known) -> list[list[str]]:
    """Allowed characters per position from every masked form and clear column; positions 4–5 (the
    county) as one segment of two-character codes."""
    sets = [list(DIGITS) for _ in range(known.length)]
    if known.length == 18:
        sets[17] = list(DIGITS + "X")
    for pattern in (known.masked, *known.patterns):
        for i, ch in enumerate(pattern):
            if ch != "*":
                sets[i] = [ch] if ch in sets[i] else []
    if known.area:
        for i, ch in enumerate(known.area):
            sets[i] = [ch] if ch in sets[i] else []
    if known.birth and known.length in (15, 18):
        text = f"{known.birth:%Y%m%d}"[2 if known.length == 15 else 0:]
        for i, ch in enumerate(text, start=6):
            sets[i] = [ch] if ch in sets[i] else []
    if known.sex and known.length in (15, 18):
        parity = 16 if known.length == 18 else 14
        sets[parity] = [d for d in sets[parity] if int(d) % 2 == (known.sex == "M")]
    return sets


def county_segment(known: Known, sets: list[list[str]]) -> list[str]:
    city = "".join(s[0] for s in sets[:4]) if all(len(s) == 1 for s in sets[:4]) else ""
    codes = COUNTIES.get(city, [a + b for a in DIGITS for b in DIGITS])
    return [c for c in codes if c[0] in sets[4] and c[1] in sets[5]]


def segments(known: Known) -> list[list[str]]:
    sets = position_sets(known)
    return sets if known.length < 6 else [*sets[:4], county_segment(known, sets), *sets[6:]]


def in_space(number: str, known: Known) -> bool:
    """The enumeration below covers ``number`` (so the attack model is not simply wrong)."""
    parts = [number[:4], number[4:6], number[6:]] if known.length >= 6 else [number]
    chars = [*parts[0], parts[1], *parts[2]] if known.length >= 6 else list(number)
    return len(chars) == len(segments(known)) and all(c in s for c, s in zip(chars, segments(known), strict=True))


def candidates(known: Known) -> Iterator[str]:
    """Every number consistent with ``known``; for 18 characters the check character follows from the
    first 17 (valid for status ok and date, any other one for status checksum)."""
    space = segments(known)
    tail = space.pop() if known.length == 18 else None
    valid = {"ok": True, "date": True, "checksum": False}.get(known.status)
    for parts in product(*space):
        body = "".join(parts)
        if tail is None:
            if consistent(body, known):
                yield body
            continue
        check = id_check_char(body)
        for last in tail:
            if (valid is None or (last == check) == valid) and consistent(body + last, known):
                yield body + last


def count(known: Known, limit: int = ENOUGH) -> int:
    return sum(1 for _ in islice(candidates(known), limit))


def seen_patterns(shown: str, number: str) -> tuple[str, ...]:
    """Masked forms of this number's length in what is shown (the attacker tries each of them)."""
    tokens = [t.upper() for t in TOKEN.findall(shown) if "*" in t and len(t) == len(number)]
    return tuple(t for t in tokens if all(a in ("*", b) for a, b in zip(t, number, strict=True)))


def leaked_digits(shown: str, number: str, known_positions: set[int]) -> list[str]:
    """Runs of 5+ digits shown that are a piece of the number covering a position not in clear."""
    leaks = []
    for run in DIGIT_RUN.findall(shown):
        for start in (i for i in range(len(number) - len(run) + 1) if number.startswith(run, i)):
            if set(range(start, start + len(run))) - known_positions:
                leaks.append(run)
    return leaks


async def seeded(rt) -> None:
    await seed_database(rt, SeedOptions(units=24, persons=240, seed=20260630, as_of=AS_OF, rate=0.03))
    await add_account(rt, "admin", "admin", [])
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=AS_OF, full=True)


async def shown_about(rt, client) -> dict[int, str]:
    """Person id -> the visible text of the person page, plus every warning about the person (the
    fields pages, messages and ``bzops warnings`` show)."""
    async with rt.sessions() as session:
        ids = list((await session.scalars(select(PERSON.c.id))).all())
        warnings = await list_warnings(session, scope=Scope(everything=True),
                                       filters=WarningFilter(status="all"), today=AS_OF, limit=None)
    shown = {pid: TAGS.sub(" ", await (await client.get(f"/persons/{pid}")).text()) for pid in ids}
    for w in warnings:
        if w.person_id is not None:
            fields = [w.title, w.summary, w.who, w.masked_id, json.dumps(w.evidence, ensure_ascii=False, default=str)]
            shown[w.person_id] += " " + " ".join(str(f) for f in fields)
    return shown


async def test_every_id_number_keeps_at_least_1000_candidates_and_the_old_mask_did_not(rt, settings, redis,
                                                                                         aiohttp_client):
    await seeded(rt)
    client = await aiohttp_client(create_app(settings))
    assert (await login(client, "admin")).status == 303
    shown = await shown_about(rt, client)
    async with rt.sessions() as session:
        rows = (await session.execute(select(PERSON))).all()
    statuses, old_counts = set(), []
    for row in rows:
        number = rt.cipher.decrypt(row.id_enc)
        # What the import report and its messages would show for this number, too.
        seen = f"{shown[row.id]} {shown_value(number, '身份证号')} {check_id(number, today=AS_OF).message}"
        known = Known(row.id_area, row.id_birth, row.id_sex, row.id_status, row.id_masked, mask_id,
                      seen_patterns(seen, number))
        assert consistent(number, known) and in_space(number, known), "the attack must cover the true number"
        found = count(known)
        assert found >= ENOUGH, f"{row.id_status} {row.id_masked}: only {found} candidates"
        birth_positions = set(range(6, 12 if len(number) == 15 else 14)) if row.id_birth else set()
        assert not leaked_digits(seen, number, set(range(4)) | birth_positions), row.id_masked
        statuses.add(row.id_status)
        old = Known(number[:6], row.id_birth, row.id_sex, row.id_status, old_mask(number), old_mask)
        old_counts.append((row.id_status, count(old)))
    assert {"ok", "checksum", "date", "legacy15"} <= statuses, "realistic persons include the ID defects"
    pinned = [n for status, n in old_counts if status in ("ok", "checksum", "legacy15")]
    assert len(pinned) >= 0.9 * len(rows) and max(pinned) < ENOUGH, "the attack has teeth: the old mask fails it"


def test_the_attack_rebuilds_a_number_under_the_old_mask_and_not_under_the_new_one():
    body = "33052319850615123"  # 安吉县, born 1985-06-15, a man
    number = body + id_check_char(body)
    old = Known(number[:6], date(1985, 6, 15), "M", "ok", old_mask(number), old_mask)
    assert list(candidates(old)) == [number]
    new = Known(number[:4], date(1985, 6, 15), "M", "ok", mask_id(number), mask_id)
    found = list(candidates(new))
    assert number in found and len(found) == 6 * 10 * 10 * 5  # 湖州's 5 counties and the city code


def test_masked_mobiles_show_four_digits_at_most():
    assert sum(ch.isdigit() for ch in mask_mobile("13812345678")) == 4
    assert shown_value("13812345678", "手机号") == mask_mobile("13812345678")
