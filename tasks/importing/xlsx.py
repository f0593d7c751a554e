"""Opening an .xlsx import without letting a small file take unbounded memory or time.

An .xlsx is a zip of XML parts. openpyxl in read-only mode streams the worksheets but loads the
shared-strings table and every other part whole, and a zip entry may expand a thousandfold: a
600 KB file whose ``sharedStrings.xml`` held millions of tiny strings took 927 MB and a minute.
So before openpyxl parses anything, the zip's directory is checked (entries, declared sizes,
compression ratio; :mod:`zipfile` never returns more than an entry declares, so the declared
sizes bound what is read), and only parts declared as worksheets or as the shared-strings table
may be large. While parsing, the shared strings are read with a cap on their number and length.
Refusals are :class:`FileError` with a Chinese reason.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError, fromstring, iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from tasks.importing.reader import FileError

WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
LARGE_TYPES = {WORKSHEET, SHARED_STRINGS}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SI, _T, _R = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
_SPLIT_HINT = "请拆分文件或另存为CSV后导入"


@dataclass(frozen=True)
class XlsxLimits:
    max_entries: int = 10_000
    max_total: int = 1 << 30  # declared uncompressed bytes of all parts together
    max_part: int = 32 << 20  # any part other than worksheets and the shared strings
    max_ratio: int = 100  # uncompressed / compressed, for parts above ratio_floor
    ratio_floor: int = 10 << 20
    max_strings: int = 1_000_000  # shared strings: number …
    max_chars: int = 32_000_000  # … and characters in all


DEFAULT_LIMITS = XlsxLimits()


def open_book(path: Path, limits: XlsxLimits = DEFAULT_LIMITS) -> Workbook:
    """The workbook in read-only mode, after the checks above; FileError when refused or damaged."""
    check_archive(path, limits)
    reader = _BoundedReader(str(path), read_only=True, data_only=True, keep_links=False)
    reader.limits = limits
    try:
        reader.read()
    except _TooMany as error:
        raise FileError(str(error)) from None
    except Exception as error:  # openpyxl raises many types for a damaged file
        if isinstance(error.__cause__, _TooMany):
            raise FileError(str(error.__cause__)) from None
        raise FileError("无法打开Excel文件：文件已损坏或不是 .xlsx 格式") from error
    return reader.wb


def check_archive(path: Path, limits: XlsxLimits = DEFAULT_LIMITS) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(infos, limits)
            types = _content_types(archive, limits)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise FileError("无法打开Excel文件：文件已损坏或不是 .xlsx 格式") from error
    for info in infos:
        if info.file_size > limits.max_part and _type_of(info.filename, types) not in LARGE_TYPES:
            raise FileError(f"Excel文件中的“{info.filename}”部分过大（{_mb(info.file_size)}），无法导入")


def _check_sizes(infos: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    if len(infos) > limits.max_entries:
        raise FileError(f"Excel文件的内部结构异常（{len(infos)}个部分），无法导入")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total:
        raise FileError(f"Excel文件解压后达{_mb(total)}，超过{_mb(limits.max_total)}的上限，{_SPLIT_HINT}")
    for info in infos:
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise FileError(f"Excel文件的压缩比异常（“{info.filename}”解压后达{_mb(info.file_size)}），"
                            "疑似恶意构造的文件，已拒绝导入")


def _content_types(archive: zipfile.ZipFile, limits: XlsxLimits) -> dict[str, str]:
    """Part name (and ``*.ext`` for defaults) -> declared content type."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise FileError("无法打开Excel文件：缺少内容类型清单，不是 .xlsx 格式") from None
    if info.file_size > limits.max_part:
        raise FileError("Excel文件的内容类型清单过大，无法导入")
    try:
        root = fromstring(archive.read(info))
    except ParseError as error:
        raise FileError("无法打开Excel文件：文件已损坏或不是 .xlsx 格式") from error
    types = {"*." + d.get("Extension", "").lower(): d.get("ContentType", "") for d in root.iter(f"{_CT_NS}Default")}
    types.update({o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in root.iter(f"{_CT_NS}Override")})
    return types


def _type_of(name: str, types: dict[str, str]) -> str:
    return types.get(name) or types.get("*." + name.rsplit(".", 1)[-1].lower(), "")


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB"


class _TooMany(Exception):
    """Raised inside openpyxl's reading (which wraps ValueErrors), turned into a FileError outside."""


class _BoundedReader(ExcelReader):  # type: ignore[misc]
    limits: XlsxLimits = DEFAULT_LIMITS

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source, self.limits)


def read_shared_strings(source: IO[bytes], limits: XlsxLimits) -> list[str]:
    """openpyxl's ``read_string_table`` with caps, about twice as fast, and with each parsed string
    dropped from the tree (openpyxl keeps every emptied element under the root: most of the 927 MB)."""
    strings: list[str] = []
    chars = 0
    events = iterparse(source, events=("start", "end"))
    _, root = next(events)
    for event, node in events:
        if event != "end" or node.tag != _SI:
            continue
        text = _content(node).replace("x005F_", "")
        chars += len(text)
        strings.append(text)
        root.clear()
        if len(strings) > limits.max_strings or chars > limits.max_chars:
            raise _TooMany(f"Excel文件中的文本过多（超过{limits.max_strings}条或{limits.max_chars}字），{_SPLIT_HINT}")
    return strings


def _content(si: Any) -> str:
    """What ``openpyxl.cell.text.Text.content`` gives: the plain text, then the rich-text runs'
    texts; phonetic runs (rPh) are left out."""
    plain, runs = None, []
    for child in si:
        if child.tag == _T:
            plain = child.text
        elif child.tag == _R:
            text = child.find(_T)
            if text is not None and text.text is not None:
                runs.append(text.text)
    return "".join([plain, *runs] if plain is not None else runs)
