"""Forms of the household file's « Souhaits et propositions » and « Relogement » tabs."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from capintra import clock
from capintra.buildings.forms import SurfaceField
from capintra.relocation.models import (
    Answer,
    CaleolDecision,
    Channel,
    Financing,
    RefusalReason,
    RelocationKind,
    Satisfaction,
    Sector,
    Typology,
)
from capintra.text import lazy_gettext as _l
from capintra.web.forms import (
    MoneyField,
    RequiredVersionForm,
    VersionedForm,
    enum_or_none,
    no_control_characters,
    optional_id,
)

TEXT = [no_control_characters]
NOT_NEGATIVE = NumberRange(min=0, message=_l("Un montant ne peut pas être négatif."))


class EnumSelectField(SelectField):
    """A select of an enumeration's members (blank: None), refusing any other value
    with a French message."""

    def __init__(self, label, enum_cls, blank: bool = True, **kwargs):
        self.enum_cls = enum_cls
        choices = ([("", "—")] if blank else []) + enum_cls.choices()
        super().__init__(label, choices=choices, coerce=enum_or_none(enum_cls), **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = self.enum_cls(valuelist[0])
            except ValueError:
                raise ValueError(_l("Choix inconnu : choisissez dans la liste.")) from None

    def pre_validate(self, form):
        return None


class OrganisationField(SelectField):
    """A select of records (the directory's organisations, an offer, a unit…), its
    choices filled by the view; anything not offered is refused."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=optional_id, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        known = {value for value, _label in self.choices or ()}
        if self.data is not None and self.data not in known:
            raise ValidationError(_l("Choix inconnu : choisissez dans la liste."))


class WishesForm(VersionedForm):
    communes = StringField(
        _l("Communes souhaitées"),
        validators=[
            InputRequired(message=_l("Indiquez au moins une commune souhaitée.")),
            Length(max=300),
            *TEXT,
        ],
        description=_l("Séparées par des virgules, par exemple Saint-Étienne, Firminy."),
    )
    unit_type = EnumSelectField(_l("Type de logement"), Typology)
    max_rent_cents = MoneyField(
        _l("Loyer maximum (€ par mois)"), validators=[Optional(), NOT_NEGATIVE]
    )
    max_floor = IntegerField(
        _l("Étage maximum"), validators=[Optional(), NumberRange(min=0, max=50, message=_l(
            "Un étage entre 0 (rez-de-chaussée) et 50."))],
        description=_l("0 pour le rez-de-chaussée ; vide si indifférent."),
    )  # fmt: skip
    lift_required = BooleanField(_l("Ascenseur nécessaire"))
    preferred_landlord_id = OrganisationField(_l("Bailleur souhaité"))
    note = TextAreaField(_l("Précisions"), validators=[Length(max=4000), *TEXT])


class OfferForm(VersionedForm):
    formal = BooleanField(
        _l("Proposition formelle"),
        description=_l("La loi demande au moins deux propositions formelles."),
    )
    sent_on = DateField(
        _l("Envoyée le"),
        validators=[InputRequired(message=_l("Indiquez la date d’envoi de la proposition."))],
    )
    channel = EnumSelectField(
        _l("Mode d’envoi"), Channel, blank=False,
        validators=[InputRequired(message=_l("Choisissez le mode d’envoi."))],
    )  # fmt: skip
    acknowledged_on = DateField(_l("Accusé de réception le"), validators=[Optional()])
    answer_deadline = DateField(_l("Réponse attendue avant le"), validators=[Optional()])
    landlord_id = OrganisationField(_l("Bailleur"))
    reservation_holder_id = OrganisationField(_l("Réservataire"))
    address = StringField(_l("Adresse du logement"), validators=[Length(max=300), *TEXT])
    commune = StringField(_l("Commune"), validators=[Length(max=100), *TEXT])
    priority_neighbourhood = BooleanField(_l("Quartier prioritaire (QPV)"))
    unit_type = EnumSelectField(_l("Type de logement"), Typology)
    surface_dm2 = SurfaceField(_l("Surface (m²)"), description=_l("Par exemple 62,5."))
    financing = EnumSelectField(_l("Financement"), Financing)
    year_built = IntegerField(
        _l("Année de construction ou de conventionnement"),
        validators=[Optional(), NumberRange(min=1700, max=2100, message=_l(
            "Une année entre 1700 et 2100."))],
    )  # fmt: skip
    rent_cents = MoneyField(_l("Loyer (€ par mois)"), validators=[Optional(), NOT_NEGATIVE])
    charges_cents = MoneyField(_l("Charges (€ par mois)"), validators=[Optional(), NOT_NEGATIVE])
    visit_on = DateField(_l("Visite le"), validators=[Optional()])
    caleol_on = DateField(_l("CALEOL le"), validators=[Optional()])
    caleol_decision = EnumSelectField(_l("Décision de la CALEOL"), CaleolDecision)
    answer = EnumSelectField(
        _l("Réponse du ménage"), Answer, blank=False,
        validators=[InputRequired(message=_l("Choisissez la réponse du ménage."))],
    )  # fmt: skip
    answered_on = DateField(_l("Réponse le"), validators=[Optional()])
    refusal_reason = EnumSelectField(_l("Motif du refus"), RefusalReason)
    refusal_note = TextAreaField(
        _l("Précisions sur le refus"), validators=[Length(max=4000), *TEXT]
    )

    def _after_sent(self, field, message) -> None:
        if field.data and self.sent_on.data and field.data < self.sent_on.data:
            raise ValidationError(message)

    def validate_sent_on(self, field):
        """A sending after one of the dates that follow it: said on both fields."""
        later = (self.acknowledged_on, self.answer_deadline, self.answered_on)
        if field.data and any(f.data and f.data < field.data for f in later):
            raise ValidationError(_l("L’envoi ne peut pas suivre les dates qui en découlent."))

    def validate_answer_deadline(self, field):
        self._after_sent(field, _l("L’échéance de réponse ne peut pas précéder l’envoi."))

    def validate_acknowledged_on(self, field):
        self._after_sent(field, _l("L’accusé de réception ne peut pas précéder l’envoi."))

    def validate_answered_on(self, field):
        self._after_sent(field, _l("La réponse ne peut pas précéder l’envoi."))
        if field.data and self.answer.data in (None, Answer.EN_ATTENTE):
            raise ValidationError(_l("Une date de réponse va avec une réponse du ménage."))

    def validate_refusal_reason(self, field):
        if self.answer.data is Answer.REFUSEE and field.data is None:
            raise ValidationError(_l("Choisissez le motif du refus."))
        if field.data is not None and self.answer.data is not Answer.REFUSEE:
            raise ValidationError(_l("Un motif de refus va avec une proposition refusée."))


#: A relocation is recorded when it happens: not before this day, nor over a year ahead.
FIRST_RELOCATION_DAY = date(1990, 1, 1)


def relocation_day(form, field) -> None:
    if field.data is None:
        return
    if field.data < FIRST_RELOCATION_DAY:
        raise ValidationError(_l("Date trop ancienne : indiquez une date à partir du 01/01/1990."))
    if field.data > clock.today() + timedelta(days=366):
        raise ValidationError(
            _l("Date trop lointaine : un relogement s’enregistre quand il a lieu.")
        )


class RelocationForm(VersionedForm):
    """Recording a relocation: its kind and dates move the household's occupancy and
    phase, so they are typed here only."""

    kind = EnumSelectField(
        _l("Type de relogement"), RelocationKind, blank=False,
        validators=[InputRequired(message=_l("Choisissez temporaire ou définitif."))],
    )  # fmt: skip
    relocated_on = DateField(
        _l("Relogé le"),
        validators=[InputRequired(message=_l("Indiquez la date du relogement.")), relocation_day],
        description=_l("Entrée dans le nouveau logement (signature du bail)."),
    )
    keys_on = DateField(
        _l("Remise des clés du logement quitté le"),
        validators=[
            InputRequired(message=_l("Indiquez la date de remise des clés.")),
            relocation_day,
        ],
        description=_l("L’occupation actuelle du ménage se termine ce jour-là."),
    )
    offer_id = OrganisationField(
        _l("Proposition acceptée"),
        description=_l(
            "Parmi les propositions acceptées par le ménage ; les champs du logement "
            "laissés vides reprennent ceux de la proposition."
        ),
    )
    unit_id = OrganisationField(
        _l("Logement tiroir de l’opération"),
        description=_l(
            "Relogement temporaire seulement : un logement vacant de l’opération, où une "
            "occupation temporaire s’ouvre à la remise des clés."
        ),
    )
    address = StringField(_l("Adresse du nouveau logement"), validators=[Length(max=300), *TEXT])
    commune = StringField(_l("Commune"), validators=[Length(max=100), *TEXT])
    landlord_id = OrganisationField(_l("Bailleur"))
    reservation_holder_id = OrganisationField(_l("Réservataire"))
    sector = EnumSelectField(
        _l("Secteur"), Sector, blank=False,
        validators=[InputRequired(message=_l("Choisissez le secteur du nouveau logement."))],
    )  # fmt: skip
    unit_type = EnumSelectField(_l("Type de logement"), Typology)
    surface_dm2 = SurfaceField(_l("Surface (m²)"), description=_l("Par exemple 62,5."))
    rent_cents = MoneyField(_l("Loyer (€ par mois)"), validators=[Optional(), NOT_NEGATIVE])
    charges_cents = MoneyField(_l("Charges (€ par mois)"), validators=[Optional(), NOT_NEGATIVE])
    apl_cents = MoneyField(_l("APL (€ par mois)"), validators=[Optional(), NOT_NEGATIVE])
    new_social_housing = BooleanField(_l("Logement social neuf ou de moins de 5 ans"))
    priority_neighbourhood = BooleanField(_l("Quartier prioritaire (QPV)"))
    on_site = BooleanField(_l("Relogé sur le site de l’opération"))
    rent_reduction_grant = BooleanField(_l("Éligible à la minoration de loyer"))
    right_to_return = BooleanField(
        _l("Droit au retour maintenu"), default=True,
        description=_l("Relogement temporaire seulement."),
    )  # fmt: skip

    def validate_unit_id(self, field):
        if field.data is not None and self.kind.data is RelocationKind.DEFINITIF:
            raise ValidationError(
                _l("Un logement de l’opération ne sert qu’au relogement temporaire.")
            )

    def validate(self, extra_validators=None) -> bool:
        """Rules across fields that an empty field's Optional() would skip."""
        valid = super().validate(extra_validators)
        for name, message, wrong in self._cross_checks():
            if wrong and name in self:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid

    def _cross_checks(self) -> list[tuple[str, object, bool]]:
        """(field, message, whether the rule is broken)."""
        charges = bool(self.charges_cents.data or self.apl_cents.data)
        offer = getattr(self, "offer_id", None)  # the rent may come from the offer
        from_offer = offer is not None and offer.data is not None
        return [
            (
                "rent_cents",
                _l("Indiquez le loyer : les charges et l’APL s’ajoutent à un loyer."),
                charges and self.rent_cents.data is None and not from_offer,
            ),
        ]


class RelocationEditForm(RelocationForm, RequiredVersionForm):
    """The descriptive fields and the satisfaction survey; never the kind, the dates or
    the unit (they moved the occupancy when the relocation was recorded)."""

    kind = None
    relocated_on = None
    keys_on = None
    offer_id = None
    unit_id = None
    satisfaction = EnumSelectField(_l("Satisfaction du ménage"), Satisfaction)
    survey_on = DateField(_l("Enquête de satisfaction le"), validators=[Optional()])
    survey_note = TextAreaField(
        _l("Commentaire de l’enquête"), validators=[Length(max=4000), *TEXT]
    )

    def _cross_checks(self) -> list[tuple[str, object, bool]]:
        return [
            *super()._cross_checks(),
            (
                "survey_on",
                _l("Indiquez la date de l’enquête de satisfaction."),
                self.satisfaction.data is not None and self.survey_on.data is None,
            ),
        ]
