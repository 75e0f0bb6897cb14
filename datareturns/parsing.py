"""Reading an uploaded body, row by row, without holding it in memory.

The body has already been spooled to a file (``riia``'s upload view streams it there while hashing
it). These readers turn CSV or JSON into ``(row_number, {column: text})`` pairs and report problems
with the file itself (encoding, header, structure) as ``RowError`` rows, never as exceptions, except
``TooManyRows``, which stops the read at once.

Row numbers follow what the sender sees: in a CSV the header is row 1 and the first placement row 2
(as a spreadsheet numbers them); in JSON, the 1-based position in the ``placements`` array.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson


@dataclass(frozen=True)
class RowError:
    row: int | None
    message: str
    field: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.row is None else {"row": self.row}
        data["field"] = self.field
        if self.value is not None:
            data["value"] = self.value
        data["message"] = self.message
        return data


class TooManyRows(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"An upload may hold at most {limit:,} rows. Split the file and send it in parts.")
        self.limit = limit


@dataclass
class Columns:
    """The columns an upload accepts: every required one must be present; nothing unknown may be."""

    key: str  # the JSON array's name: "placements" or "leavers"
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional

    def check_header(self, names: list[str], *, row: int | None) -> list[RowError]:
        errors = []
        missing = [name for name in self.required if name not in names]
        unknown = [name for name in names if name not in self.all]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if missing:
            errors.append(
                RowError(row, f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")
            )
        if unknown:
            errors.append(
                RowError(
                    row,
                    f"The file has the unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. "
                    f"The columns are: {', '.join(self.all)}.",
                )
            )
        if duplicated:
            errors.append(RowError(row, f"The file has the column {', '.join(duplicated)} more than once."))
        return errors


@dataclass
class ReadResult:
    """Rows come out of ``rows``; problems with the file itself collect in ``errors``."""

    errors: list[RowError] = field(default_factory=list)
    count: int = 0


class _Lines:
    """Decode a binary file line by line as UTF-8 (a byte-order mark is allowed), remembering whether
    the line just read was not UTF-8 so the row that holds it can be named."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.bad = False

    def __iter__(self) -> Iterator[str]:
        # Each line decodes on its own (a UTF-8 character never contains the newline byte), with
        # bytes.decode in C: an incremental decoder costs two Python calls a line.
        first = True
        for raw in self._stream:
            if first:
                first = False
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad = True
                yield raw.decode("utf-8", errors="replace")


NOT_UTF8 = (
    "This row is not in UTF-8. Save the file as 'CSV UTF-8' (in Excel: File, Save a copy, CSV UTF-8) and send it again."
)


def read_csv(stream: IO[bytes], *, columns: Columns, result: ReadResult, max_rows: int) -> Iterator[tuple[int, dict]]:
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(None, "The file is empty. Send a header row and one row for each placement."))
        return
    except csv.Error as error:
        result.errors.append(RowError(1, f"The header row could not be read as CSV: {error}."))
        return
    if lines.bad:
        result.errors.append(RowError(1, NOT_UTF8))
        return
    names = [name.strip().lower() for name in header]
    header_errors = columns.check_header(names, row=1)
    if header_errors:
        result.errors.extend(header_errors)
        return
    width = len(names)
    row_number = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.errors.append(RowError(row_number + 1, f"This row could not be read as CSV: {error}."))
            break
        row_number += 1
        if lines.bad:
            lines.bad = False
            result.errors.append(RowError(row_number, NOT_UTF8))
            continue
        if not values or (len(values) == 1 and not values[0].strip()):
            row_number -= 1  # a blank line, as spreadsheets leave at the end: not a row
            continue
        result.count += 1
        if result.count > max_rows:
            raise TooManyRows(max_rows)
        if len(values) != width:
            result.errors.append(
                RowError(row_number, f"This row has {len(values)} values; the header has {width} columns.")
            )
            continue
        yield row_number, dict(zip(names, values, strict=True))


def _text(value: Any) -> str:
    """JSON values may be strings, numbers or booleans; blank is "", null or absent."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def read_json(stream: IO[bytes], *, columns: Columns, result: ReadResult, max_rows: int) -> Iterator[tuple[int, dict]]:
    """``{"placements": [{column: value}, ...]}`` (or ``leavers``), read one object at a time. A body
    without that array yields no rows, and the caller says the upload is empty."""
    allowed = set(columns.all)
    try:
        for index, item in enumerate(ijson.items(stream, f"{columns.key}.item", use_float=False), start=1):
            result.count = index
            if index > max_rows:
                raise TooManyRows(max_rows)
            if not isinstance(item, dict):
                result.errors.append(RowError(index, "Each row must be a JSON object of column: value."))
                continue
            unknown = sorted(str(name) for name in item if name not in allowed)
            if unknown:
                result.errors.append(
                    RowError(index, f"Unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}.")
                )
                continue
            if any(isinstance(value, (dict, list)) for value in item.values()):
                result.errors.append(RowError(index, "Values must be strings, numbers, true, false or null."))
                continue
            yield index, {name: _text(item.get(name)) for name in columns.all}
    except ijson.JSONError as error:
        result.errors.append(RowError(None, f"The body is not valid JSON: {error}."))
    except UnicodeDecodeError:
        result.errors.append(RowError(None, "The body must be UTF-8 encoded JSON."))
