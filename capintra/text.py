"""Text folding shared by the search key, the password policy and the demo data.

`normalise("Hélène ÇELIK")` → "helene celik": lower case, accents and ligatures removed,
punctuation turned into spaces.
"""

from __future__ import annotations

import re
import unicodedata

from flask import g, has_app_context
from flask_babel import get_translations
from flask_babel.speaklater import LazyString

_NON_WORD = re.compile(r"[^a-z0-9]+")

#: Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ı": "i", "İ": "i", "ø": "o",
     "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d"}
)  # fmt: skip


def normalise(text: str | None) -> str:
    """Lower case, accents and ligatures removed, punctuation turned into spaces."""
    if not text:
        return ""
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", stripped).strip()


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Plural forms as the reader's language has them: French (the source language) puts
    0 and 1 in the singular ("0 dossier", "1 dossier", "2 dossiers"); a translation
    catalogue, when one is added, brings its own rule. `%(num)d` is the number."""
    translations = request_translations()
    # Flask-Babel gives an empty catalogue when there is none (French): its rule is n != 1.
    if getattr(translations, "_catalog", None):
        text = translations.ungettext(singular, plural, num)
    else:
        text = singular if abs(num) < 2 else plural
    return text % {"num": num, **variables}


def request_translations():
    """The catalogue of the request's language, looked up once per request.

    Flask-Babel looks it up again at each call (nine context-local lookups: the locale,
    the domain, the cache), about 10 µs — 300 times on a list page before this. The
    language cannot change within a request here (the locale selector answers "fr"; no
    code uses `force_locale`). Outside an application context: Flask-Babel's answer.
    """
    if not has_app_context():
        return get_translations()
    translations = g.get("_capintra_translations")
    if translations is None:
        translations = g._capintra_translations = get_translations()
    return translations


def gettext(string: str) -> str:
    """`_()` of the templates (the i18n extension's newstyle wrapper formats and escapes)."""
    return request_translations().ugettext(string)


def translated(text: object) -> str:
    """`str(text)` for a lazy label (`_l("…")`: an enumeration's label, a menu entry),
    translated once per request and label rather than at each use."""
    if not isinstance(text, LazyString) or not has_app_context():
        return str(text)
    memo = g.get("_capintra_labels")
    if memo is None:
        memo = g._capintra_labels = {}
    # The label itself is kept beside its text: its id cannot be reused in this request.
    entry = memo.get(id(text))
    if entry is None or entry[0] is not text:
        entry = memo[id(text)] = (text, str(text))
    return entry[1]
