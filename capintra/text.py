"""Text folding shared by the search key, the password policy and the demo data.

`normalise("Hélène ÇELIK")` → "helene celik": lower case, accents and ligatures removed,
punctuation turned into spaces.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import get_translations

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
    translations = get_translations()
    # Flask-Babel gives an empty catalogue when there is none (French): its rule is n != 1.
    if getattr(translations, "_catalog", None):
        text = translations.ungettext(singular, plural, num)
    else:
        text = singular if abs(num) < 2 else plural
    return text % {"num": num, **variables}
