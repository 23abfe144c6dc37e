"""Form helpers shared by every feature."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from capintra.text import lazy_gettext as _l
from capintra.web.routing import db_id

_VERSION_FORMAT = Regexp(r"^[0-9]{1,9}$", message=_l("Version du formulaire invalide."))


class VersionedForm(FlaskForm):
    """An edit form that carries the version of the record it showed.

    A version that is not a number makes the form invalid (422); a missing one is left
    to check_version(), which answers 409 — unless the form requires it (below).
    """

    version = HiddenField(validators=[Optional(), _VERSION_FORMAT])


class RequiredVersionForm(VersionedForm):
    """A form that only makes sense on an existing record: no version, invalid form."""

    version = HiddenField(validators=[InputRequired(), _VERSION_FORMAT])


#: The shape of an e-mail address (WTForms' Email() needs the email_validator package,
#: which capintra does not install: it answered 500 on every address typed).
email_address = Regexp(
    r"^[^@\s<>\x00-\x1f]+@[^@\s<>\x00-\x1f]+\.[^@\s<>\x00-\x1f]+\Z",
    message=_l("Adresse de courriel invalide : écrivez par exemple nom@exemple.fr."),
)


class DeleteForm(RequiredVersionForm):
    """A button that soft-deletes the record whose version it shows."""


#: NUL and the other control characters but tab and line breaks.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def no_control_characters(form, field) -> None:
    """Refuse NUL and other control characters (tabs and line breaks allowed). A regular
    expression: a character-by-character loop took 8 ms on a 100 kB text (0.6 ms)."""
    data = field.data
    if isinstance(data, str) and _CONTROL_CHARACTER.search(data):
        raise ValidationError(_l("Caractères de contrôle interdits."))


def optional_id(value):
    """`coerce=` of a select of records: blank (or the "—" choice) is None, anything else
    an id as db_id() reads it (ValueError, hence an invalid form, when it is not one)."""
    return db_id(value) if value not in (None, "", "None") else None


def enum_or_none(enum_cls):
    """`coerce=` of a select of an enumeration's values: blank is None, a member stays
    itself (a form built from a record), a value becomes its member (ValueError, hence an
    invalid form, when it is not one)."""

    def coerce(value):
        if value is None or isinstance(value, enum_cls):
            return value
        return enum_cls(value) if value else None

    return coerce


def record_id(form, field) -> None:
    """A hidden field carrying an id: ASCII digits within the ids the database holds."""
    try:
        db_id(field.data)
    except ValueError:
        raise ValidationError(_l("Identifiant invalide.")) from None


class MoneyField(StringField):
    """An amount typed the French way (1 234,56) kept as integer cents."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        raw = valuelist[0].strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        raw = raw.replace("€", "").replace(",", ".")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise ValueError(_l("Montant invalide : écrivez par exemple 1 234,56.")) from None
        if not amount.is_finite():  # NaN, Infinity: Decimal reads them, an amount is not one
            raise ValueError(_l("Montant invalide : écrivez par exemple 1 234,56."))
        if amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("10000000000"):
            raise ValueError(_l("Montant invalide : deux décimales au plus."))
        self.data = int(amount * 100)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{Decimal(self.data) / 100:.2f}".replace(".", ",")


class MultiCheckboxField(SelectMultipleField):
    """Several choices, one checkbox each (rendered by the `field` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        known = {value for value, _label in self.choices or ()}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Choix inconnu : cochez parmi les cases proposées."))
