"""Forms of the buildings' pages."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from capintra import clock
from capintra.buildings.importing import parse_floor
from capintra.buildings.models import (
    AcquisitionMode,
    ArreteKind,
    Ban,
    BuildingState,
    EndReason,
    IncidentKind,
    IntendedFuture,
    OccupancyKind,
    OccupantStatus,
    UnitCondition,
    UnitType,
)
from capintra.text import lazy_gettext as _l
from capintra.web.formatting import floor_label
from capintra.web.forms import (
    MoneyField,
    RequiredVersionForm,
    VersionedForm,
    enum_or_none,
    no_control_characters,
    optional_id,
)


class ConditionForm(RequiredVersionForm):
    """A unit's condition, changed in place from the building's grid."""

    condition = SelectField(
        _l("État du logement"),
        coerce=enum_or_none(UnitCondition),
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
        coerce=enum_or_none(EndReason),
        validators=[InputRequired(message=_l("Choisissez le motif de fin."))],
    )

    def validate_end_date(self, field):
        if field.data and field.data > clock.today() + timedelta(days=366):
            raise ValidationError(
                _l("Date trop lointaine : la remise des clés est au plus dans un an.")
            )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.end_reason.choices = [("", _l("— choisir —"))] + [
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


# --- buildings, units, arrêtés, incidents, periods -----------------------------------------

TEXT = [no_control_characters]


class BuildingForm(VersionedForm):
    """A building created or edited by an assistant or an officer (DESIGN §2 Building)."""

    operation_id = SelectField(
        _l("Opération"),
        coerce=optional_id,
        validators=[DataRequired(message=_l("Choisissez l’opération."))],
    )
    address = StringField(
        _l("Adresse"),
        validators=[DataRequired(message=_l("Indiquez l’adresse.")), Length(max=300), *TEXT],
        description=_l("Numéro et rue, par exemple 12 rue de la République."),
    )
    commune = StringField(_l("Commune"), validators=[Length(max=100), *TEXT])
    cadastral_parcel = StringField(
        _l("Parcelle cadastrale"),
        validators=[Length(max=40), *TEXT],
        description=_l("Par exemple AB 123."),
    )
    owner_or_syndic_id = SelectField(
        _l("Propriétaire ou syndic"),
        coerce=optional_id,
        description=_l("Choisi dans l’annuaire des organismes."),
    )
    co_ownership = BooleanField(_l("Copropriété"))
    intended_future = SelectField(
        _l("Devenir"),
        choices=[("", "—"), *IntendedFuture.choices()],
        coerce=enum_or_none(IntendedFuture),
        validators=[Optional()],
    )
    state = SelectField(
        _l("État"),
        choices=BuildingState.choices(),
        coerce=enum_or_none(BuildingState),
        validators=[InputRequired(message=_l("Choisissez l’état de l’immeuble."))],
    )
    levels = IntegerField(
        _l("Nombre de niveaux"),
        validators=[
            Optional(),
            NumberRange(min=1, max=60, message=_l("Entre 1 et 60 niveaux.")),
        ],
        description=_l("Rez-de-chaussée compris."),
    )
    target_vacancy_date = DateField(_l("Date de libération visée"), validators=[Optional()])

    def data_for_model(self) -> dict:
        return model_data(self)


class SurfaceField(StringField):
    """A surface in m² typed the French way (38,88), kept as whole dm² (Unit.surface_dm2)."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        raw = valuelist[0].strip().removesuffix("m²").removesuffix("m2").strip()
        raw = raw.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        try:
            surface = parse_decimal(raw, locale="fr_FR", strict=True)
        except NumberFormatError:
            raise ValueError(
                _l("Surface illisible : écrivez-la en m², par exemple 38,88.")
            ) from None
        if not surface.is_finite() or surface <= 0 or surface >= 100_000:
            raise ValueError(_l("Surface invalide : un nombre de m² positif, par exemple 38,88."))
        if surface.as_tuple().exponent < -2:
            raise ValueError(_l("Surface : deux décimales au plus (38,88)."))
        self.data = int(surface * 100)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(Decimal(self.data) / 100, locale="fr_FR")

    @staticmethod
    def shown(value: int) -> str:
        """38,88 m² (the stale-edit screen's current value)."""
        return f"{format_decimal(Decimal(value) / 100, locale='fr_FR')} m²"


class FloorField(StringField):
    """A floor typed as people write it: RDC, 1er, 2e, -1 (kept as an integer, 0 = RDC)."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_floor(valuelist[0])
        except ValueError:
            raise ValueError(
                _l("Étage illisible : écrivez RDC, 1er, 2e… ou -1 pour un sous-sol.")
            ) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else floor_label(self.data)

    @staticmethod
    def shown(value: int) -> str:
        return floor_label(value)


class UnitForm(VersionedForm):
    """A unit (logement / lot) of a building (DESIGN §2 Unit)."""

    lot_number = StringField(
        _l("Numéro de lot"),
        validators=[DataRequired(message=_l("Indiquez le numéro de lot.")), Length(max=20), *TEXT],
    )
    floor = FloorField(
        _l("Étage"),
        validators=[InputRequired(message=_l("Indiquez l’étage : RDC, 1er, 2e…"))],
        description=_l("RDC pour le rez-de-chaussée, -1 pour un sous-sol."),
    )
    unit_type = SelectField(
        _l("Type"), choices=UnitType.choices(), coerce=enum_or_none(UnitType),
        validators=[InputRequired()],
    )  # fmt: skip
    surface_dm2 = SurfaceField(_l("Surface (m²)"), description=_l("Par exemple 38,88."))
    condition = SelectField(
        _l("État du logement"), choices=UnitCondition.choices(),
        coerce=enum_or_none(UnitCondition), validators=[InputRequired()],
    )  # fmt: skip
    acquired_on = DateField(
        _l("Acquis le"),
        validators=[Optional()],
        description=_l("Vide si la société ne possède pas ce logement."),
    )
    acquisition_mode = SelectField(
        _l("Mode d’acquisition"),
        choices=[("", "—"), *AcquisitionMode.choices()],
        coerce=enum_or_none(AcquisitionMode),
        validators=[Optional()],
    )

    def validate_acquisition_mode(self, field):
        if field.data is not None and self.acquired_on.data is None:
            raise ValidationError(_l("Indiquez aussi la date d’acquisition."))

    def validate_acquired_on(self, field):
        if field.data is not None and field.data > clock.today():
            raise ValidationError(_l("Date dans le futur : une acquisition est passée."))

    def data_for_model(self) -> dict:
        return model_data(self)


class ArreteForm(VersionedForm):
    """An arrêté on the building or on one of its units (DESIGN §2 Arrêté)."""

    unit_id = SelectField(
        _l("Porte sur"), coerce=optional_id,
        description=_l("L’immeuble entier, ou un seul de ses logements."),
    )  # fmt: skip
    kind = SelectField(
        _l("Type d’arrêté"), choices=[("", _l("— choisir —")), *ArreteKind.choices()],
        coerce=enum_or_none(ArreteKind),
        validators=[InputRequired(message=_l("Choisissez le type d’arrêté."))],
    )  # fmt: skip
    arrete_date = DateField(
        _l("Date de l’arrêté"),
        validators=[InputRequired(message=_l("Indiquez la date de l’arrêté."))],
    )
    ban = SelectField(
        _l("Interdiction d’habiter"), choices=Ban.choices(), coerce=enum_or_none(Ban),
        validators=[InputRequired()],
    )  # fmt: skip
    rehousing_by = StringField(
        _l("Relogement à la charge de"),
        validators=[Length(max=200), *TEXT],
        description=_l("Tel qu’écrit dans l’arrêté : le propriétaire, la commune…"),
    )
    lifted_on = DateField(_l("Mainlevée le"), validators=[Optional()])

    def validate_lifted_on(self, field):
        if field.data is not None and self.arrete_date.data and field.data < self.arrete_date.data:
            raise ValidationError(_l("La mainlevée ne peut précéder la date de l’arrêté."))


class IncidentForm(VersionedForm):
    """A dated event on the building (DESIGN §2 Building incident)."""

    incident_date = DateField(
        _l("Date"), validators=[InputRequired(message=_l("Indiquez la date."))]
    )
    kind = SelectField(
        _l("Type"), choices=[("", _l("— choisir —")), *IncidentKind.choices()],
        coerce=enum_or_none(IncidentKind),
        validators=[InputRequired(message=_l("Choisissez le type d’incident."))],
    )  # fmt: skip
    description = TextAreaField(_l("Description"), validators=[Length(max=5000), *TEXT])

    def validate_incident_date(self, field):
        if field.data is not None and field.data > clock.today():
            raise ValidationError(_l("Date dans le futur : un incident a déjà eu lieu."))


#: A household's reference as printed on its file.
REFERENCE = Regexp(
    r"^\s*MEN-\d{4}-\d{4,}\s*\Z",
    flags=re.IGNORECASE,
    message=_l("Référence de ménage invalide : écrivez-la comme sur le dossier, MEN-2026-0042."),
)


class OpenPeriodForm(FlaskForm):
    """An occupancy period opened on a unit: a household by its reference, or the name of a
    non-household occupant (a shop). No version: it creates a period; the unit's other
    periods are checked by services.add_period."""

    household_reference = StringField(
        _l("Ménage (référence)"),
        validators=[Optional(), REFERENCE],
        description=_l("MEN-2026-0042, comme sur le dossier du ménage."),
    )
    occupant_label = StringField(
        _l("Ou occupant non ménage"),
        validators=[Length(max=200), *TEXT],
        description=_l("Un commerce, par exemple : Boulangerie du Centre."),
    )
    kind = SelectField(
        _l("Occupation"), choices=OccupancyKind.choices(), coerce=enum_or_none(OccupancyKind),
        validators=[InputRequired()],
    )  # fmt: skip
    status = SelectField(
        _l("Statut d’occupation"), choices=OccupantStatus.choices(),
        coerce=enum_or_none(OccupantStatus), validators=[InputRequired()],
    )  # fmt: skip
    start_date = DateField(
        _l("Entrée le"), validators=[InputRequired(message=_l("Indiquez la date d’entrée."))]
    )
    # Rent, charges and APL are not asked here: once the period is open, they are entered
    # with PeriodCostsForm (« Loyer et charges »), by those who read individual finances.

    def validate_occupant_label(self, field):
        has_household = bool((self.household_reference.data or "").strip())
        has_label = bool((field.data or "").strip())
        if has_household == has_label:
            raise ValidationError(
                _l("Indiquez soit la référence du ménage, soit le nom de l’occupant (commerce).")
            )

    def validate_start_date(self, field):
        if field.data and field.data > clock.today() + timedelta(days=366):
            raise ValidationError(_l("Date trop lointaine : l’entrée est au plus dans un an."))


def model_data(form) -> dict:
    """The form's values to copy onto the model: text stripped, and "" for a text field
    left out of the post (its column is NOT NULL: a missing field is no 500); no CSRF or
    version."""
    data = {}
    for name, fld in form._fields.items():
        if name in ("csrf_token", "version"):
            continue
        value = fld.data
        if value is None and type(fld) in (StringField, TextAreaField):
            value = ""
        data[name] = value.strip() if isinstance(value, str) else value
    return data
