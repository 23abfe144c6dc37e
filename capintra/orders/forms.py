"""Forms of the orders' reference data (admin): contracts, lots, amendments, price items
and versions, signing delegations and their deputies. Amounts typed the French way
(1 234,56), kept as integer cents."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_wtf.file import FileField, FileRequired
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
    ValidationError,
)

from capintra.orders.models import NotificationChannel, PriceUnit
from capintra.orders.services import SIGNATURE_MAX_SIZE
from capintra.organisations.services import SIRET_MESSAGE, siret_is_valid
from capintra.text import lazy_gettext as _l
from capintra.web.forms import (
    MoneyField,
    MultiCheckboxField,
    RequiredVersionForm,
    VersionedForm,
    enum_or_none,
    no_control_characters,
    optional_id,
)

TEXT = [no_control_characters]


def _required_amount(message):
    return [InputRequired(message)]


def _not_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("Un montant ne peut pas être négatif."))


def _end_after_start(form, field):
    if field.data and form.start_date.data and field.data < form.start_date.data:
        raise ValidationError(_l("La fin précède le début."))


def _start_before_end(form, field):
    """The same rule, said on the start too: whichever date was mistyped is marked."""
    if field.data and form.end_date.data and form.end_date.data < field.data:
        raise ValidationError(_l("Le début suit la fin."))


#: An amount field: a phone's keyboard with the decimal comma.
MONEY = {"inputmode": "decimal", "autocomplete": "off"}


class ContractForm(VersionedForm):
    reference = StringField(
        _l("Référence"),
        validators=[DataRequired(_l("Indiquez la référence du marché.")), Length(max=60), *TEXT],
        description=_l("Par exemple : AC-2025-07."),
    )
    title = StringField(
        _l("Intitulé"),
        validators=[DataRequired(_l("Indiquez l’intitulé du marché.")), Length(max=300), *TEXT],
    )
    notified_on = DateField(_l("Date de notification"), validators=[Optional()])
    start_date = DateField(
        _l("Début"),
        validators=[InputRequired(_l("Indiquez la date de début.")), _start_before_end],
    )
    end_date = DateField(
        _l("Fin"),
        validators=[InputRequired(_l("Indiquez la date de fin.")), _end_after_start],
    )
    renewals = StringField(
        _l("Reconductions"),
        validators=[Length(max=200), *TEXT],
        description=_l("Par exemple : reconductible une fois un an."),
    )
    payment_days = IntegerField(
        _l("Délai de paiement (jours)"),
        default=60,
        validators=[
            InputRequired(_l("Indiquez le délai de paiement.")),
            NumberRange(1, 60, _l("Le délai de paiement est de 1 à 60 jours (maximum légal).")),
        ],
    )
    vat_exempt = BooleanField(_l("Exonéré de TVA (« TVA non applicable, art. 261-7-1° CGI »)"))
    vat_rate = SelectField(
        _l("Taux de TVA"),
        choices=[("2000", "20 %"), ("1000", "10 %"), ("550", "5,5 %"), ("0", "0 %")],
        default="2000",
        description=_l("Sans effet si le marché est exonéré."),
    )

    def data_for_model(self) -> dict:
        exempt = bool(self.vat_exempt.data)
        return {
            "reference": self.reference.data.strip(),
            "title": self.title.data.strip(),
            "notified_on": self.notified_on.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "renewals": (self.renewals.data or "").strip(),
            "payment_days": self.payment_days.data,
            "vat_exempt": exempt,
            "vat_rate_bp": 0 if exempt else int(self.vat_rate.data),
        }


class LotForm(VersionedForm):
    number = IntegerField(
        _l("Numéro du lot"),
        validators=[
            InputRequired(_l("Indiquez le numéro du lot.")),
            NumberRange(1, 999, _l("Un numéro de lot va de 1 à 999.")),
        ],
    )
    title = StringField(
        _l("Intitulé"),
        validators=[DataRequired(_l("Indiquez l’intitulé du lot.")), Length(max=300), *TEXT],
    )
    provider_id = SelectField(
        _l("Titulaire"),
        coerce=optional_id,
        validators=[DataRequired(_l("Choisissez le titulaire dans l’annuaire."))],
        description=_l("Un organisme de l’annuaire."),
    )
    minimum_cents = MoneyField(
        _l("Minimum HT (€)"),
        render_kw=MONEY,
        validators=[*_required_amount(_l("Indiquez le minimum (0 s’il n’y en a pas).")),
                    _not_negative],
        description=_l("Par exemple : 50 000,00"),
    )  # fmt: skip
    maximum_cents = MoneyField(
        _l("Maximum HT (€)"),
        render_kw=MONEY,
        validators=[*_required_amount(_l("Indiquez le maximum du lot.")), _not_negative],
        description=_l("Un plafond légal : aucun bon ne peut le dépasser."),
    )

    def validate_maximum_cents(self, field):
        minimum = self.minimum_cents.data
        if field.data is not None and minimum is not None and field.data < minimum:
            raise ValidationError(_l("Le maximum ne peut pas être inférieur au minimum."))

    def data_for_model(self) -> dict:
        return {
            "number": self.number.data,
            "title": self.title.data.strip(),
            "provider_id": self.provider_id.data,
            "minimum_cents": self.minimum_cents.data,
            "maximum_cents": self.maximum_cents.data,
        }


class AmendmentForm(VersionedForm):
    reference = StringField(
        _l("Référence"),
        validators=[DataRequired(_l("Indiquez la référence de l’avenant.")), Length(max=60),
                    *TEXT],
        description=_l("Par exemple : Avenant n° 1."),
    )  # fmt: skip
    signed_on = DateField(
        _l("Date de l’avenant"), validators=[InputRequired(_l("Indiquez la date de l’avenant."))]
    )
    new_maximum_cents = MoneyField(
        _l("Nouveau maximum HT du lot (€)"),
        render_kw=MONEY,
        validators=[*_required_amount(_l("Indiquez le nouveau maximum.")), _not_negative],
    )
    reason = StringField(_l("Motif"), validators=[Length(max=500), *TEXT])

    def data_for_model(self) -> dict:
        return {
            "reference": self.reference.data.strip(),
            "signed_on": self.signed_on.data,
            "new_maximum_cents": self.new_maximum_cents.data,
            "reason": (self.reason.data or "").strip(),
        }


class PriceVersionForm(VersionedForm):
    valid_from = DateField(
        _l("En vigueur à partir du"),
        validators=[InputRequired(_l("Indiquez la date d’entrée en vigueur du prix."))],
    )
    unit_price_cents = MoneyField(
        _l("Prix unitaire HT (€)"),
        render_kw=MONEY,
        validators=[*_required_amount(_l("Indiquez le prix unitaire.")), _not_negative],
        description=_l("Par exemple : 1 200,00"),
    )

    def version_data(self) -> dict:
        return {"valid_from": self.valid_from.data, "unit_price_cents": self.unit_price_cents.data}


class PriceItemForm(PriceVersionForm):
    """A line of the price schedule, with its first price."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Indiquez le code de la prestation.")), Length(max=20),
                    *TEXT],
        description=_l("Par exemple : DIAG."),
    )  # fmt: skip
    label = StringField(
        _l("Libellé"),
        validators=[DataRequired(_l("Indiquez le libellé de la prestation.")), Length(max=300),
                    *TEXT],
    )  # fmt: skip
    unit = SelectField(_l("Unité"), choices=PriceUnit.choices(), coerce=PriceUnit)

    def data_for_model(self) -> dict:
        return {"code": self.code.data.strip(), "label": self.label.data.strip(),
                "unit": self.unit.data}  # fmt: skip


class DelegationForm(VersionedForm):
    user_id = SelectField(
        _l("Délégataire"),
        coerce=optional_id,
        validators=[DataRequired(_l("Choisissez le ou la responsable qui reçoit la délégation."))],
    )
    all_operations = BooleanField(
        _l("Toutes les opérations"),
        default=True,
        description=_l("Décochez pour ne couvrir que les opérations cochées ci-dessous."),
    )
    operation_ids = MultiCheckboxField(_l("Opérations couvertes"), coerce=int, choices=[])
    maximum_cents = MoneyField(
        _l("Montant maximum HT par bon (€)"),
        render_kw=MONEY,
        validators=[*_required_amount(_l("Indiquez le montant maximum par bon.")),
                    _not_negative],
    )  # fmt: skip
    start_date = DateField(
        _l("Début"),
        validators=[InputRequired(_l("Indiquez la date de début.")), _start_before_end],
    )
    end_date = DateField(
        _l("Fin"), validators=[Optional(), _end_after_start],
        description=_l("Vide : jusqu’à nouvel ordre."),
    )  # fmt: skip
    act_reference = StringField(
        _l("Référence de l’acte de délégation"), validators=[Length(max=100), *TEXT]
    )

    def validate_operation_ids(self, field):
        if not self.all_operations.data and not field.data:
            raise ValidationError(
                _l("Cochez les opérations couvertes, ou « Toutes les opérations ».")
            )

    def data_for_model(self) -> dict:
        return {
            "user_id": self.user_id.data,
            "all_operations": bool(self.all_operations.data),
            "maximum_cents": self.maximum_cents.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "act_reference": (self.act_reference.data or "").strip(),
        }


class DeputyForm(VersionedForm):
    user_id = SelectField(
        _l("Suppléant(e)"),
        coerce=optional_id,
        validators=[DataRequired(_l("Choisissez qui peut utiliser la délégation."))],
    )
    start_date = DateField(
        _l("Du"), validators=[InputRequired(_l("Indiquez la date de début.")), _start_before_end]
    )
    end_date = DateField(
        _l("Au"), validators=[InputRequired(_l("Indiquez la date de fin.")), _end_after_start]
    )

    def data_for_model(self) -> dict:
        return {"user_id": self.user_id.data, "start_date": self.start_date.data,
                "end_date": self.end_date.data}  # fmt: skip


class IssuerForm(VersionedForm):
    """The organisation details printed on every order."""

    name = StringField(
        _l("Nom de l’organisme"),
        validators=[DataRequired(_l("Indiquez le nom imprimé sur les bons.")), Length(max=200),
                    *TEXT],
    )  # fmt: skip
    address = StringField(_l("Adresse"), validators=[Length(max=300), *TEXT])
    siret = StringField(
        _l("SIRET"),
        validators=[Length(max=40), *TEXT],
        description=_l("14 chiffres (espaces acceptés)."),
    )
    signatory_name = StringField(_l("Signataire"), validators=[Length(max=200), *TEXT])
    signatory_title = StringField(
        _l("Qualité du signataire"),
        validators=[Length(max=200), *TEXT],
        description=_l("Par exemple : Directeur général."),
    )

    def validate_siret(self, field):
        siret = "".join((field.data or "").split())
        if siret and not siret_is_valid(siret):
            raise ValidationError(SIRET_MESSAGE)

    def data_for_model(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "address": (self.address.data or "").strip(),
            "siret": "".join((self.siret.data or "").split()),
            "signatory_name": (self.signatory_name.data or "").strip(),
            "signatory_title": (self.signatory_title.data or "").strip(),
        }


# --- orders ---------------------------------------------------------------------------------


def parse_quantity(raw: str | None) -> Decimal | None:
    """A quantity typed the French way (1,5), as a Decimal; None when blank. ValueError with
    a French message when unreadable, negative, or with more than two decimals."""
    if raw is None or not raw.strip():
        return None
    cleaned = raw.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    try:
        value = parse_decimal(cleaned, locale="fr_FR", strict=True)
    except NumberFormatError:
        raise ValueError(_l("Quantité illisible : écrivez par exemple 1 ou 1,5.")) from None
    if not value.is_finite() or value < 0 or value >= 100_000:
        raise ValueError(_l("Quantité invalide : un nombre positif, par exemple 1 ou 1,5."))
    if value.as_tuple().exponent < -2:
        raise ValueError(_l("Quantité : deux décimales au plus."))
    return value


class QuantityField(StringField):
    def process_formdata(self, valuelist):
        self.data = parse_quantity(valuelist[0] if valuelist else None)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_decimal(self.data, locale="fr_FR")


def _execution_end(form, field):
    if field.data and form.execution_start.data and field.data < form.execution_start.data:
        raise ValidationError(_l("La fin précède le début."))


class OrderForm(VersionedForm):
    """The header of an order. The households concerned are given by reference (MEN-…),
    separated by commas, spaces or lines; the order keeps references only."""

    lot_id = SelectField(
        _l("Lot"), coerce=optional_id,
        validators=[InputRequired(_l("Choisissez le lot du marché."))],
    )  # fmt: skip
    operation_id = SelectField(
        _l("Opération"), coerce=optional_id,
        validators=[InputRequired(_l("Choisissez l’opération."))],
    )  # fmt: skip
    place = StringField(
        _l("Lieu d’exécution"), validators=[Length(max=300), *TEXT],
        description=_l("Par exemple : 12 rue Michelet, Saint-Étienne."),
    )  # fmt: skip
    execution_start = DateField(_l("Début d’exécution"), validators=[Optional()])
    execution_end = DateField(_l("Fin d’exécution"), validators=[Optional(), _execution_end])
    budget_line = StringField(
        _l("Ligne budgétaire"), validators=[Length(max=100), *TEXT],
        description=_l("Par exemple : 6228-MOUS-2026."),
    )  # fmt: skip
    households = TextAreaField(
        _l("Ménages concernés (références)"), validators=[Length(max=4000), *TEXT],
        description=_l("Références MEN-… séparées par des virgules ou des espaces. "
                       "Le bon ne porte que les références, jamais les noms."),
        render_kw={"rows": 2},
    )  # fmt: skip

    def __init__(self, *args, lots=(), operations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lot_id.choices = [("", _l("— choisir —")), *lots]
        self.operation_id.choices = [("", _l("— choisir —")), *operations]

    def references(self) -> list[str]:
        return [ref.upper() for ref in re.split(r"[\s,;]+", self.households.data or "") if ref]

    def data_for_model(self) -> dict:
        return {
            "lot_id": self.lot_id.data,
            "operation_id": self.operation_id.data,
            "place": (self.place.data or "").strip(),
            "execution_start": self.execution_start.data,
            "execution_end": self.execution_end.data,
            "budget_line": (self.budget_line.data or "").strip(),
        }


class LineForm(VersionedForm):
    """Add a line: a price item of the order's lot and a quantity."""

    price_item_id = SelectField(
        _l("Prestation"), coerce=optional_id,
        validators=[InputRequired(_l("Choisissez une prestation du bordereau."))],
    )  # fmt: skip
    quantity = QuantityField(
        _l("Quantité"),
        validators=[InputRequired(_l("Indiquez la quantité."))],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.price_item_id.choices = [("", _l("— choisir —")), *items]


class ReasonForm(VersionedForm):
    reason = TextAreaField(_l("Motif"), validators=[Length(max=1000), *TEXT],
                           render_kw={"rows": 2})  # fmt: skip


class NotifyForm(VersionedForm):
    notified_on = DateField(
        _l("Date de notification"), validators=[InputRequired(_l("Indiquez la date."))]
    )
    channel = SelectField(
        _l("Moyen"), coerce=enum_or_none(NotificationChannel),
        choices=[("", _l("— choisir —"))] + [(c.value, c.label) for c in NotificationChannel],
        validators=[InputRequired(_l("Choisissez le moyen de notification."))],
    )  # fmt: skip


class AttestForm(VersionedForm):
    """Service fait: the quantities per line come as `qty-<line id>` fields."""

    attested_on = DateField(
        _l("Date du service fait"), validators=[InputRequired(_l("Indiquez la date."))]
    )
    attested_by_id = SelectField(
        _l("Attesté par"), coerce=optional_id,
        validators=[InputRequired(_l("Choisissez qui atteste le service fait."))],
    )  # fmt: skip
    final = BooleanField(_l("Prestation terminée (même si moins que commandé)"))
    comment = StringField(_l("Commentaire"), validators=[Length(max=500), *TEXT])

    def __init__(self, *args, attesters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attested_by_id.choices = [("", _l("— choisir —")), *attesters]


class InvoiceForm(VersionedForm):
    number = StringField(
        _l("N° de facture"),
        validators=[DataRequired(_l("Indiquez le numéro de la facture.")), Length(max=60), *TEXT],
    )
    received_on = DateField(
        _l("Reçue le"), validators=[InputRequired(_l("Indiquez la date de réception."))],
        description=_l("Fait courir le délai de paiement."),
    )  # fmt: skip
    excl_vat_cents = MoneyField(_l("Montant HT"), validators=_required_amount(
        _l("Indiquez le montant HT.")), render_kw=MONEY)  # fmt: skip
    vat_cents = MoneyField(_l("TVA"), validators=_required_amount(_l("Indiquez la TVA (0 si "
                           "exonéré).")), render_kw=MONEY)  # fmt: skip
    incl_vat_cents = MoneyField(_l("Montant TTC"), validators=_required_amount(
        _l("Indiquez le montant TTC.")), render_kw=MONEY)  # fmt: skip
    final = BooleanField(_l("Dernière facture du bon"))


class PaymentForm(VersionedForm):
    paid_on = DateField(_l("Payée le"), validators=[InputRequired(_l("Indiquez la date."))])


class SignatureForm(RequiredVersionForm):
    """The signature image printed on orders, sent on its own (multipart): the version
    is the issuer's, so two admins do not replace each other's image unknowingly."""

    file = FileField(
        _l("Image de la signature"),
        validators=[FileRequired(_l("Choisissez une image PNG ou JPEG."))],
        description=_l("Image PNG ou JPEG, %(n)s Mo au plus, sur fond blanc ou transparent.",
                       n=SIGNATURE_MAX_SIZE // (1024 * 1024)),
        # A hint for the browser's file picker only: the server reads the content.
        render_kw={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"},
    )  # fmt: skip
