"""Reading tables of ties (CSV, TSV, Excel .xlsx): the column mapping, the rows with their numbers and verbatim
text, dates at their precision, and the errors that name the row and column at fault."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .namespaces import KP
from .normalize import (
    PLACE_CLASSES,
    clean,
)
from .store import StoreError

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SKOS_EXACT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
PROV_VALUE = ox.NamedNode("http://www.w3.org/ns/prov#value")
PROV_QUOTED = ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom")
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TARGET = re.compile(r"^(party(\d+)\.(name|country|level|id|lat|lon)|kind|date|field|type)$")


@cache
def _kp(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{KP}{name}")


class TableError(StoreError):
    """The table or its mapping cannot be read; nothing was written."""


@dataclass(frozen=True)
class BadRow:
    """A row refused by the import: its number in the file, the column at fault and why."""

    row: int
    column: str
    reason: str
    cells: tuple[str, ...] = ()

    def text(self) -> str:
        """One line for people: 'row 12, country2: unknown country 'Atlantis''."""
        return f"row {self.row}, {self.column}: {self.reason}"


class RowsRefused(StoreError):
    """Some rows are bad, so the import wrote nothing; ``bad`` lists every one of them."""

    def __init__(self, bad: list[BadRow], path: str) -> None:
        self.bad = bad
        lines = [b.text() for b in bad]
        shown = lines if len(lines) <= 50 else [*lines[:50], f"... and {len(lines) - 50} more"]
        super().__init__(
            f"{path}: {len(bad)} bad row(s), nothing was written (use --skip-bad FILE to import the good rows "
            "and write the rejected ones to FILE):\n  " + "\n  ".join(shown)
        )


@dataclass
class Mapping:
    """What each column of a table holds, fixed values, and a description of the source."""

    columns: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[str], defaults: Iterable[str] = ()) -> Mapping:
        """A mapping from ``column=target`` pairs (``--map``) and ``target=value`` pairs (``--set``)."""
        columns, fixed = {}, {}
        for pair in pairs:
            column, sep, target = pair.partition("=")
            if not sep:
                raise TableError(f"--map {pair!r}: write it as COLUMN=TARGET (e.g. city1=party1.name)")
            columns[column.strip()] = target.strip()
        for pair in defaults:
            target, sep, value = pair.partition("=")
            if not sep:
                raise TableError(f"--set {pair!r}: write it as TARGET=VALUE (e.g. kind=twinning)")
            fixed[target.strip()] = value.strip()
        mapping = cls(columns, fixed)
        mapping.check()
        return mapping

    @classmethod
    def from_file(cls, path: str | Path) -> Mapping:
        """A mapping from a JSON file ``{"columns": {...}, "defaults": {...}, "source": {...}}``."""
        try:
            doc = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise TableError(f"{path}: cannot read the mapping: {error}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("columns"), dict):
            raise TableError(f'{path}: a mapping is a JSON object with "columns": {{"column": "target"}}')
        mapping = cls(dict(doc["columns"]), dict(doc.get("defaults", {})), dict(doc.get("source", {})))
        mapping.check()
        return mapping

    def check(self) -> None:
        """Refuse unknown targets and mappings without two named parties."""
        for target in [*self.columns.values(), *self.defaults]:
            if not _TARGET.match(target):
                raise TableError(
                    f"unknown target {target!r}: use partyN.name, partyN.country, partyN.level, partyN.id, "
                    "partyN.lat, partyN.lon, kind, date, field, type"
                )
        for target, value in self.defaults.items():
            if target.endswith(".level") and value not in PLACE_CLASSES:
                raise TableError(f"{target}={value!r}: a level is one of {', '.join(PLACE_CLASSES)}")
        if len(self.parties()) < 2:
            raise TableError("the mapping names fewer than two parties (map columns to party1.name and party2.name)")

    def parties(self) -> list[int]:
        """The party numbers that have a name column."""
        found = {int(m.group(2)) for t in self.columns.values() if (m := _TARGET.match(t)) and m.group(3) == "name"}
        return sorted(found)

    def column_of(self, target: str) -> str | None:
        """The column mapped to a target, if any."""
        return next((c for c, t in self.columns.items() if t == target), None)


@dataclass
class Row:
    """One data row: its number in the file (the header is row 1), its cells by column, its verbatim text."""

    number: int
    cells: dict[str, str]
    text: str


def read_table(
    path: str | Path, sheet: str | None = None, *, delimiter: str | None = None, encoding: str | None = None
) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows of a CSV, TSV or .xlsx file; the delimiter of a text table is sniffed from its
    first lines unless given, its encoding is UTF-8 unless given."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix not in (".csv", ".tsv", ".tab", ".txt"):
        raise TableError(f"{path}: cannot tell the table format from {suffix!r} (use .csv, .tsv or .xlsx)")
    if delimiter is not None and len(delimiter.replace("\\t", "\t")) != 1:
        raise TableError(f"--delimiter {delimiter!r}: one character (e.g. ';' or '\\t')")
    return _read_delimited(path, delimiter.replace("\\t", "\t") if delimiter else None, encoding or "utf-8-sig")


def _read_delimited(path: Path, delimiter: str | None, encoding: str) -> tuple[list[str], Iterator[Row]]:
    try:
        text = path.read_text(encoding)
    except LookupError:
        raise TableError(f"--encoding {encoding!r}: no such encoding (e.g. utf-8, cp1252, latin-1)") from None
    except UnicodeDecodeError as error:
        raise TableError(
            f"{path}: not {encoding} text (byte {error.start}); give the table's --encoding (e.g. cp1252)"
        ) from None
    if delimiter is None:
        sample = "\n".join(text[:65536].splitlines()[:50])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = [clean(h) for h in next(reader)]
    except StopIteration:
        raise TableError(f"{path}: the table is empty") from None
    consumed.clear()

    def rows() -> Iterator[Row]:
        number = 1
        try:
            for cells in reader:
                raw = "".join(consumed).rstrip("\r\n")
                number += len(consumed)
                first = number - len(consumed) + 1
                consumed.clear()
                if not any(c.strip() for c in cells):
                    continue
                yield Row(first, dict(zip(header, cells, strict=False)), raw)
        except csv.Error as error:
            raise TableError(f"{path}: line {reader.line_num}: {error}") from None

    return header, rows()


#: Limits on a workbook, checked before it is read: its unpacked size and the rows of the sheet.
MAX_XLSX_UNPACKED = 256 * 1024 * 1024
MAX_XLSX_ROWS = 1_000_000


def check_xlsx_size(path: Path, max_unpacked: int = MAX_XLSX_UNPACKED) -> None:
    """Refuse a workbook that unpacks to more than ``max_unpacked`` bytes (a zip bomb), before it is opened."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise TableError(f"{path}: cannot read the workbook: {error}") from None
    if unpacked > max_unpacked:
        raise TableError(
            f"{path}: the workbook unpacks to {unpacked // 2**20} MB, more than the limit of "
            f"{max_unpacked // 2**20} MB: split it or save the sheet as CSV"
        )


def check_xlsx_rows(path: Path, rows: int | None, max_rows: int = MAX_XLSX_ROWS) -> None:
    """Refuse a sheet that says it has more than ``max_rows`` rows."""
    if rows is not None and rows > max_rows:
        raise TableError(f"{path}: the sheet has {rows} rows, more than the limit of {max_rows}")


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook

    check_xlsx_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableError(f"{path}: cannot read the workbook: {error}") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise TableError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
    ws = book[sheet] if sheet else book.worksheets[0]
    check_xlsx_rows(path, ws.max_row)
    it = ws.iter_rows(values_only=True)
    try:
        header = [clean(_cell_text(h)) for h in next(it)]
    except StopIteration:
        raise TableError(f"{path}: the sheet is empty") from None

    def rows() -> Iterator[Row]:
        for number, values in enumerate(it, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield Row(number, dict(zip(header, cells, strict=False)), "\t".join(cells).rstrip("\t"))
        book.close()

    return header, rows()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "year"):  # a datetime from a date cell
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(text: str) -> ox.Literal | None:
    """A date at the precision written: '2014-09-03' (xsd:date), '2014.09' (xsd:gYearMonth), '2014' (xsd:gYear).

    >>> parse_date("2001.04").value, parse_date("2001.04").datatype.value.rsplit('#')[1]
    ('2001-04', 'gYearMonth')
    """
    text = clean(text)
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?\.?", text)
    if not m:
        raise ValueError(f"bad date {text!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"bad date {text!r}: no month {month}")
    if day:
        import datetime

        try:
            value = datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            raise ValueError(f"bad date {text!r}: no such day") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if month:
        return ox.Literal(f"{year}-{int(month):02d}", datatype=ox.NamedNode(XSD + "gYearMonth"))
    return ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear"))
