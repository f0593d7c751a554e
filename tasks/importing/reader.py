"""Reading .xlsx and .csv files as rows of raw cells, streamed, with headers matched by name.

CSV may be UTF-8 (with or without BOM) or GB18030, which Chinese Excel writes by default; the
encoding is decided by trying to decode the whole file as UTF-8 first (cheap, and a wrong guess
on a partial sample would corrupt names later in the file). Row numbers are spreadsheet row
numbers: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.importing.columns import Column

HEADER_NOISE = re.compile(r"[\s*＊]|（必填）|\(必填\)")
CSV_FIELD_LIMIT = 1 << 20  # csv's own default (128 KB) ends in csv.Error; longer cells are refused per cell
MAX_COLUMNS = 256
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit; a sheet claiming more rows is not a real one


class FileError(ValueError):
    """The file as a whole cannot be read (format, encoding, headers, size); ``row`` is where it
    was noticed, 1 (the header) when it concerns the whole file."""

    def __init__(self, message: str, row: int = 1) -> None:
        super().__init__(message)
        self.row = row


@dataclass
class Table:
    columns: list[tuple[int, Column]]  # (position in the row, column spec)
    ignored: list[str]
    rows: Iterator[tuple[int, list[Any]]]


def normalise_header(header: Any) -> str:
    return HEADER_NOISE.sub("", str(header or ""))


@contextmanager
def open_table(path: Path, specs: tuple[Column, ...], sheet: str | None = None) -> Iterator[Table]:
    """The rows of a .csv, or of an .xlsx's sheet named ``sheet`` (the first sheet when it has none)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with _csv_rows(path) as rows:
            yield _table(rows, specs)
    elif suffix in (".xlsx", ".xlsm"):
        with _xlsx_rows(path, sheet) as rows:
            yield _table(rows, specs)
    else:
        raise FileError(f"不支持的文件类型 {suffix or '(无扩展名)'}：请使用 .xlsx 或 .csv")


def _table(rows: Iterator[list[Any]], specs: tuple[Column, ...]) -> Table:
    header = next(rows, None)
    if header is None:
        raise FileError("文件为空：第1行应为表头")
    positions, ignored = _match_headers([normalise_header(h) for h in header], specs)
    return Table(positions, ignored, _numbered(rows))


def _match_headers(found: list[str], specs: tuple[Column, ...]) -> tuple[list[tuple[int, Column]], list[str]]:
    by_header = {spec.header: spec for spec in specs}
    positions: list[tuple[int, Column]] = []
    seen: set[str] = set()
    for index, name in enumerate(found):
        if name in seen:
            raise FileError(f"表头“{name}”出现了两次")
        seen.add(name)
        if name in by_header:
            positions.append((index, by_header[name]))
    missing = [s.header for s in specs if s.required and s.header not in seen]
    if missing:
        raise FileError(f"缺少必填列：{'、'.join(missing)}（表头须在第1行）")
    return positions, [n for n in found if n and n not in by_header]


def _numbered(rows: Iterator[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, row in enumerate(rows, start=2):
        # any(row) settles almost every row at C speed; only all-falsy rows (0, False) need the exact test.
        if any(row) or any(cell not in (None, "") for cell in row):
            yield number, row


@contextmanager
def _csv_rows(path: Path) -> Iterator[Iterator[list[Any]]]:
    encoding = detect_encoding(path)
    if csv.field_size_limit() < CSV_FIELD_LIMIT:  # process-wide, only ever raised
        csv.field_size_limit(CSV_FIELD_LIMIT)
    with path.open(encoding=encoding, newline="") as handle:
        yield _checked(csv.reader(handle))


def _checked(reader: Any) -> Iterator[list[Any]]:
    try:
        yield from reader
    except csv.Error as error:  # a cell over CSV_FIELD_LIMIT: the parser cannot resynchronise
        line = reader.line_num
        reason = f"文件第{line}行附近无法读取：单元格超过{CSV_FIELD_LIMIT >> 10} KB或引号不配对"
        raise FileError(reason, line) from error


def detect_encoding(path: Path) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _check_gb18030(path)
    return "utf-8-sig"


def _check_gb18030(path: Path) -> str:
    decoder = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as handle:  # in chunks: memory stays bounded whatever the file's size
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise FileError("无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV") from error
    return "gb18030"


@contextmanager
def _xlsx_rows(path: Path, sheet: str | None = None) -> Iterator[Iterator[list[Any]]]:
    from tasks.importing.xlsx import open_book  # openpyxl is slow to import: only when needed

    book = open_book(path)
    try:
        yield _sheet_rows(book[sheet] if sheet in book.sheetnames else book.worksheets[0])
    finally:
        book.close()


def _sheet_rows(sheet: Any) -> Iterator[list[Any]]:
    """The header (at most MAX_COLUMNS cells), then every row cut to the header's width: a sheet
    whose stated size is huge cannot make each row, or the number of rows, huge with it."""
    first = sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True)
    header = list(next(first, ()))
    first.close()
    while header and header[-1] is None:
        header.pop()
    if not header:
        return  # an empty sheet: the caller says so
    yield header
    rows = sheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
    for number, row in enumerate(rows, start=2):
        if number > MAX_XLSX_ROWS:
            raise FileError(f"Excel文件超过{MAX_XLSX_ROWS}行：不是有效的工作表", number)
        yield list(row)
