"""Forms of the buildings' pages."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from capintra import clock
from capintra.buildings.models import EndReason, UnitCondition
from capintra.web.forms import MoneyField, RequiredVersionForm


def _enum_or_none(enum_cls):
    def coerce(value):
        if value is None or isinstance(value, enum_cls):
            return value
        return enum_cls(value) if value else None

    return coerce


class ConditionForm(RequiredVersionForm):
    """A unit's condition, changed in place from the building's grid."""

    condition = SelectField(
        _l("État du logement"),
        coerce=_enum_or_none(UnitCondition),
        validators=[InputRequired()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.condition.choices = UnitCondition.choices()


class EndPeriodForm(RequiredVersionForm):
    """The keys came back: an occupancy period ends (« Relogé » is the relocation's)."""

    end_date = DateField(_l("Remise des clés"), validators=[DataRequired()])
    end_reason = SelectField(
        _l("Motif de fin"),
        coerce=_enum_or_none(EndReason),
        validators=[InputRequired()],
    )

    def validate_end_date(self, field):
        if field.data and field.data > clock.today() + timedelta(days=366):
            raise ValidationError(
                _l("Date trop lointaine : la remise des clés est au plus dans un an.")
            )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.end_reason.choices = [
            (r.value, r.label) for r in EndReason if r is not EndReason.RELOGE
        ]


def _not_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("Montant négatif : écrivez un montant positif ou nul."))


class PeriodCostsForm(RequiredVersionForm):
    """« Loyer et charges » of an occupancy period: monthly amounts (individual
    finances, read and written by household.finances)."""

    rent_cents = MoneyField(_l("Loyer mensuel (€)"), validators=[_not_negative])
    charges_cents = MoneyField(_l("Charges mensuelles (€)"), validators=[_not_negative])
    apl_cents = MoneyField(_l("APL mensuelle (€)"), validators=[_not_negative])

    def validate_rent_cents(self, field):
        if field.data is None and (self.charges_cents.data or self.apl_cents.data):
            raise ValidationError(
                _l("Indiquez le loyer : les charges et l’APL s’ajoutent à un loyer.")
            )
