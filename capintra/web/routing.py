"""Numbers in URLs and query strings are database ids: bounded, so that a huge number is
a missing page (404) or an ignored filter, never a database error (500)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest id an INTEGER primary key holds (PostgreSQL's integer; SQLite's is wider).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: 0 … MAX_ID; a larger number matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_id(value: str) -> int:
    """`request.args.get("after", type=db_id)`: an id, or None when not a usable one."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


def register_converters(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converters when added."""
    app.url_map.converters["int"] = IdConverter
