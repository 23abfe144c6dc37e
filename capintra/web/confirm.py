"""One confirmation per delete, with or without JavaScript.

With htmx the delete form asks once (`hx-confirm`) and sends `confirmed=1` (`hx-vals`);
when htmx does not send it but the page's script runs, app.js asks once and adds
`confirmed=1` as well. Without JavaScript the browser posts the bare form: the route then
answers this small page, which says what will be deleted and posts the same form again,
confirmed, or goes back to where the user was. Nothing is deleted before that.

A delete view calls it after its checks (form valid: 422; version current: 409), before
deleting::

    if (page := confirmation_page(form, description, cancel_url)) is not None:
        return page
"""

from __future__ import annotations

from flask import make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from capintra.extensions import htmx

#: The field a confirmed delete carries.
CONFIRMED = "confirmed"


def is_confirmed() -> bool:
    """True when the user already said yes: the form carries `confirmed=1`, or htmx sent
    it (htmx sends a delete form only after its `hx-confirm` question)."""
    if request.form.get(CONFIRMED) == "1":
        return True
    return request.headers.get("HX-Request") == "true" and not htmx.boosted


def _posted(field) -> str:
    """The value to post again: a text or hidden field's, or what a select received."""
    if hasattr(field, "_value"):
        return field._value()
    return field.raw_data[0] if field.raw_data else ""


def confirmation_page(
    form: FlaskForm,
    description: str,
    cancel_url: str,
    *,
    confirm_label: str | None = None,
) -> ResponseReturnValue | None:
    """None when the delete is confirmed (go ahead); else the confirmation page (200).

    `form` is the validated delete form: its fields (the version…) are posted again, with a
    fresh CSRF token and `confirmed=1`, to the same URL. `description` is the question
    (« Supprimer la note du 12/03/2026 ? »), `cancel_url` where "Annuler" goes back to (the
    tab the delete button was on), `confirm_label` the button ("Supprimer" by default).
    """
    if is_confirmed():
        return None
    fields = [
        (f.name, _posted(f)) for f in form if f.type != "CSRFTokenField" and f.name != CONFIRMED
    ]
    body = render_template(
        "web/confirm.html",
        description=description,
        action=request.path,
        fields=fields,
        confirmed_field=CONFIRMED,
        cancel_url=cancel_url,
        confirm_label=confirm_label or _("Supprimer"),
    )
    return make_response(body, 200)
