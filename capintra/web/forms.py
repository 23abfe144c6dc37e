"""Form helpers shared by every feature."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError


class VersionedForm(FlaskForm):
    """An edit form that carries the version of the record it showed."""

    version = HiddenField()


def no_control_characters(form, field) -> None:
    """Refuse NUL and other control characters (tabs and line breaks allowed)."""
    data = field.data
    if isinstance(data, str) and any(ord(c) < 32 and c not in "\t\r\n" for c in data):
        raise ValidationError(_l("Caractères de contrôle interdits."))


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
        if amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("10000000000"):
            raise ValueError(_l("Montant invalide : deux décimales au plus."))
        self.data = int(amount * 100)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{Decimal(self.data) / 100:.2f}".replace(".", ",")
