"""Text folding shared by the search key, the password policy and the demo data.

`normalise("Hélène ÇELIK")` → "helene celik": lower case, accents and ligatures removed,
punctuation turned into spaces.
"""

from __future__ import annotations

import re
import unicodedata

from flask.globals import _cv_app
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

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


def _request_store() -> dict | None:
    """The application context's `g`, as a dict (None outside one): read at every
    translation, so without werkzeug's proxies (`g.get` costs three lookups)."""
    context = _cv_app.get(None)
    return None if context is None else context.g.__dict__


def request_translations():
    """The catalogue of the request's language, looked up once per request.

    Flask-Babel looks it up again at each call (nine context-local lookups: the locale,
    the domain, the cache), about 10 µs — 300 times on a list page before this. The
    language cannot change within a request here (the locale selector answers "fr"; no
    code uses `force_locale`). Outside an application context: Flask-Babel's answer.
    """
    store = _request_store()
    if store is None:
        return get_translations()
    translations = store.get("_capintra_translations")
    if translations is None:
        translations = store["_capintra_translations"] = get_translations()
    return translations


def gettext(string: str) -> str:
    """The request's translation of `string` (no formatting)."""
    return request_translations().ugettext(string)


@pass_context
def template_gettext(context, string: str, **variables) -> str:
    """`_()` and `gettext()` of the templates, as the i18n extension's newstyle ones:
    translated, marked safe where the template escapes, then always formatted with
    `variables` (escaped). A text without variables is kept with its catalogue once
    formatted: a page asks the same few dozen labels again and again (a committee of 65
    files asked 650)."""
    autoescape = context.eval_ctx.autoescape
    translations = request_translations()
    if variables:
        return _formatted(translations, string, autoescape, variables)
    memo = getattr(translations, "_capintra_texts", None)
    if memo is None:
        memo = {}
        translations._capintra_texts = memo
    key = (string, autoescape)
    text = memo.get(key)
    if text is None:
        text = memo[key] = _formatted(translations, string, autoescape, {})
    return text


@pass_context
def template_text_around(context, string: str, name: str) -> tuple[str, str]:
    """The translation of `string` cut around its placeholder `%(name)s`: (before,
    after), escaped where the template escapes. For a label that every row of a list
    repeats with the row's value (« Décision du comité pour %(ref)s »): translated once
    per page, the value put between the two parts by the row (a translation with
    variables on each of 50 rows cost half a millisecond). The translator still reads
    the whole sentence, its placeholder where the language wants it."""
    marker = "\x00"
    text = template_gettext(context, string, **{name: marker})
    before, _, after = text.partition(marker)
    return before, after


def _formatted(translations, string: str, autoescape: bool, variables: dict) -> str:
    text = translations.ugettext(string)
    if autoescape:
        text = Markup(text)  # noqa: S704 - our own catalogue's text, as the i18n extension does
    return text % variables


def _lazy_text(string: str, **variables) -> str:
    text = request_translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's `lazy_gettext` (a label translated when it is shown: module
    constants, enumerations, features' declarations), translated through the request's
    catalogue looked up once (`request_translations`): Flask-Babel's own looks up the
    locale, the domain and the cache at each use, and the audit trail shows a few
    hundred labels per page."""
    return LazyString(_lazy_text, string, **variables)


#: The labels kept with a catalogue at most (lazy labels are module constants: a few
#: hundred; a label made at each call would otherwise grow the memo without end).
MAX_LABELS = 5000


def translated(text: object) -> str:
    """`str(text)` for a lazy label (`_l("…")`: an enumeration's label, a menu entry),
    kept with the catalogue it was translated with: translated once, not at each use."""
    if not isinstance(text, LazyString) or _request_store() is None:
        return str(text)
    translations = request_translations()
    memo = getattr(translations, "_capintra_labels", None)
    if memo is None or len(memo) > MAX_LABELS:
        memo = {}
        translations._capintra_labels = memo
    # The label itself is kept beside its text: its id cannot be reused while it is.
    entry = memo.get(id(text))
    if entry is None or entry[0] is not text:
        entry = memo[id(text)] = (text, str(text))
    return entry[1]
