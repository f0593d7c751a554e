"""Cells a spreadsheet shows exactly as written: never a live formula, never a character the file
format cannot hold. Every .xlsx and .csv the project writes goes through here (exports, seed
files, templates, error reports, ``bzops warnings --format csv``).

* A text starting with ``= + - @``, tab or CR is what Excel and LibreOffice run as a formula
  (CSV/DDE injection). In .xlsx it becomes a string cell with the quote prefix set, so it is shown
  literally and stays text when someone edits it; in .csv it gets a leading apostrophe, which the
  importer removes again (:func:`unescape`), so an exported file imports back unchanged.
* Control characters (NUL …) cannot be stored in .xlsx at all (openpyxl raises on them), so one
  such character in a stored name would break every later export; they are written as their
  visible symbols (NUL → ␀).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls except tab, LF and CR (XML 1.0 cannot hold them), DEL and the C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPED = re.compile("'+[=+\\-@\t\r]")  # escaped by us (one more apostrophe than the text had)


def visible(text: str) -> str:
    """``text`` with each control character replaced by its visible symbol (U+2400 block, or U+FFFD)."""
    return CONTROL.sub(_picture, text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_text(text: str) -> str:
    text = visible(text) if CONTROL.search(text) else text
    # A text that already looks escaped ("'=x") gets one more apostrophe, so unescape() gives it back.
    return "'" + text if text.startswith(FORMULA_START) or _ESCAPED.match(text) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer``: texts made inert; numbers, dates and None pass unchanged."""
    row = list(values)
    try:
        joined = " " + " ".join(row)
    except TypeError:  # not all texts (CLI listings): check each cell
        return [csv_text(v) if isinstance(v, str) else v for v in row]
    if _plain(joined):  # the common row (exports write a million): a few C-speed scans, nothing to change
        return row
    return [csv_text(v) for v in row]


def _plain(joined: str) -> bool:
    """No cell of the space-joined row starts like a formula or an escaped one, and no character is a
    control (or other non-printable) one; a false "no" only costs the exact per-cell check."""
    return (joined.isprintable() and " =" not in joined and " +" not in joined and " -" not in joined
            and " @" not in joined and " '" not in joined)


def xlsx_value(sheet: Worksheet | Any, value: Any) -> Any:
    """What to append to ``sheet`` (normal or write-only) for ``value``: the value itself, or for a
    formula-like text a string cell with the quote prefix (a plain "=…" would become a formula)."""
    if not isinstance(value, str):
        return value
    text = visible(value) if CONTROL.search(value) else value
    if not text.startswith(FORMULA_START):
        return text
    cell = Cell(sheet, row=1, column=1, value=text)  # placed by append(); a coordinate keeps repr() working
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Worksheet | Any, values: Iterable[Any]) -> list[Any]:
    return [xlsx_value(sheet, value) for value in values]


def unescape(text: str) -> str:
    """The inverse of :func:`csv_text`'s apostrophe, for the importer: ``'=A1`` is read as ``=A1``."""
    return text[1:] if _ESCAPED.match(text) else text
