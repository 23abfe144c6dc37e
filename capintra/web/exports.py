"""Spreadsheet exports every feature writes the same way (DESIGN §5): CSV with `;`,
UTF-8 with a byte-order mark (so that a French spreadsheet reads the accents), CRLF
lines, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from flask import Response

#: A text cell starting with one of these is a formula to a spreadsheet (or may become one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The cell as written: a text starting like a formula gets a leading apostrophe, so
    that the spreadsheet shows it as text; numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    written: Callable[[object], object] = lambda value: value,
) -> bytes:
    """Text cells are neutralised; any other value goes through `written` (a feature's
    French date or amount), after the check, so that a negative amount stays a number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([_cell(cell, written) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: object, written: Callable[[object], object]) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return written(value)


def csv_response(data: bytes, filename: str) -> Response:
    """An attachment; the file name is ASCII, chosen by the application."""
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
