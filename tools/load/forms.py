"""Forms and links read from capintra's HTML, as a browser would submit them: every
field with the value the page gives it (text and hidden inputs, checked boxes, the
selected option or the first one, textareas), so a simulated user posts what the real
form holds, CSRF token and version included, and changes only what a person types.

Standard library only (html.parser): the load generator must stay cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: A household file's or building's or order's address in a page's links.
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)"')
BUILDING_LINK = re.compile(r'href="/buildings/(\d+)"')
ORDER_LINK = re.compile(r'href="/orders/(\d+)"')


@dataclass
class Form:
    action: str
    method: str = "get"
    #: (name, value) in document order; a name may repeat (multiple selects, checkboxes)
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: select name → its option values
    options: dict[str, list[str]] = field(default_factory=dict)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def data(self, **changes: str) -> dict[str, str]:
        """The form's values (the last one per name) with `changes` applied."""
        values = dict(self.fields)
        values.update(changes)
        return values


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._select_first = name, None, None
            form.options[name] = []
        elif tag == "option" and self._select is not None:
            self._option = a
            self._text = []
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._option is not None or self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "option" and self._option is not None and self._select is not None:
            value = self._option.get("value", "".join(self._text).strip())
            form.options[self._select].append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in self._option:
                self._select_value = value
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = self._select_value if self._select_value is not None else self._select_first
            if chosen is not None:
                form.fields.append((self._select, chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(html: str, action: str | None = None, *, having: str | None = None):
    """The page's POST form whose action is `action` (or, with `action` None, the first
    one that has a field named `having`); None when the page has none."""
    for form in forms_of(html):
        if form.method != "post":
            continue
        if action is not None and form.action != action:
            continue
        if having is not None and having not in form.names():
            continue
        if action is None and having is None:
            continue
        return form
    return None


def ids(pattern: re.Pattern, html: str) -> list[int]:
    """The ids of the page's links to records, each once, in page order."""
    return list(dict.fromkeys(int(match) for match in pattern.findall(html)))
