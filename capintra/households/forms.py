"""Household forms. The fields a user may not read or write are removed."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
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

from capintra.confidentiality import user_may_read_field, user_may_see_confidential
from capintra.households import services
from capintra.households.models import (
    DeliveryOutcome,
    Employment,
    Household,
    HouseholdPartner,
    LetterChannel,
    LetterDirection,
    NoteKind,
    Outcome,
    Phase,
    RehousingBasis,
    RehousingRight,
    Relation,
    SafetyAlert,
)
from capintra.households.services import (
    ALERT_FIELDS,
    NUMERO_UNIQUE_NOTICE,
    SOCIAL_FIELDS,
    numero_unique_reminder,
)
from capintra.security import user_can
from capintra.text import lazy_gettext as _l
from capintra.web.forms import (
    MoneyField,
    MultiCheckboxField,
    RequiredVersionForm,
    VersionedForm,
    enum_or_none,
    no_control_characters,
    optional_id,
    record_id,
)
from capintra.web.routing import db_id

TEXT = [no_control_characters]
#: A plain shape check (WTForms' Email() needs the email_validator package).
EMAIL = Regexp(
    r"^[^@\s<>\x00-\x1f]+@[^@\s<>\x00-\x1f]+\.[^@\s<>\x00-\x1f]+\Z",
    message=_l("Adresse de courriel invalide : écrivez par exemple nom@exemple.fr."),
)


#: An LRAR's number as La Poste prints it: letters, digits, spaces (kept as typed).
TRACKING_NUMBER = Regexp(
    r"^[0-9A-Za-z .-]*\Z",
    message=_l("Numéro de recommandé : lettres, chiffres et espaces seulement."),
)


class OrganisationsField(SelectMultipleField):
    """Organisations of the directory, several (a select whose options are set by the
    view, capintra.organisations.queries.choices)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)  # ids: an option is selected when its id is chosen
        super().__init__(*args, **kwargs)
        self.type = "SelectMultipleField"  # drawn like one by the form macros

    def process_formdata(self, valuelist):
        try:
            self.data = [db_id(value) for value in valuelist if value]
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Choix inconnu : choisissez parmi les organismes proposés.")
            ) from None

    def pre_validate(self, form):
        known = {value for value, _label in self.choices or ()}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(
                _l("Cet organisme n’est plus dans l’annuaire : choisissez parmi ceux proposés.")
            )


class HouseholdForm(VersionedForm):
    name = StringField(
        _l("Nom du ménage"),
        validators=[DataRequired(), Length(max=200), *TEXT],
        description=_l("NOM Prénom du titulaire du bail, par exemple KACI Aïcha."),
    )
    operation_id = SelectField(_l("Opération"), coerce=optional_id, validators=[DataRequired()])
    officer_id = SelectField(_l("Référent(e) social(e)"), coerce=optional_id)
    address = StringField(_l("Adresse"), validators=[Length(max=300), *TEXT])
    commune = StringField(_l("Commune"), validators=[Length(max=100), *TEXT])
    phone = StringField(_l("Téléphone"), validators=[Length(max=40), *TEXT])
    email = EmailField(_l("Courriel"), validators=[Optional(), EMAIL, Length(max=254)])
    preferred_language = StringField(_l("Langue préférée"), validators=[Length(max=60), *TEXT])
    years_in_home = IntegerField(
        _l("Années dans le logement"), validators=[Optional(), NumberRange(min=0, max=120)]
    )
    privacy_notice_date = DateField(
        _l("Notice d’information (RGPD) remise le"), validators=[Optional()]
    )
    rehousing_right = SelectField(
        _l("Droit au relogement"),
        choices=RehousingRight.choices(),
        coerce=enum_or_none(RehousingRight),
    )
    rehousing_basis = SelectField(
        _l("Fondement du droit"),
        choices=[("", "—"), *RehousingBasis.choices()],
        coerce=enum_or_none(RehousingBasis),
        validators=[Optional()],
    )
    rehousing_bearer = StringField(
        _l("Qui porte l’obligation de relogement"), validators=[Length(max=200), *TEXT]
    )
    monthly_resources_cents = MoneyField(_l("Ressources mensuelles (€)"))
    tax_reference_income_cents = MoneyField(_l("Revenu fiscal de référence (€)"))
    caf_number = StringField(_l("Numéro d’allocataire CAF"), validators=[Length(max=30), *TEXT])
    other_benefits = StringField(_l("Autres prestations"), validators=[Length(max=300), *TEXT])
    arrears_cents = MoneyField(_l("Dette locative (€)"))
    repayment_plan = BooleanField(_l("Plan d’apurement"))
    fsl = BooleanField(_l("Aide du FSL"))
    ccapex_referral = BooleanField(_l("Saisine de la CCAPEX"))
    numero_unique = StringField(
        _l("Numéro unique (demande de logement social)"), validators=[Length(max=40), *TEXT]
    )
    numero_unique_renewal = DateField(
        _l("Renouvellement du numéro unique le"), validators=[Optional()]
    )
    partner_ids = OrganisationsField(
        _l("Intervenants (annuaire des organismes)"),
        render_kw={"size": 8},
        description=_l(
            "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Un organisme manque ? "
            "Ajoutez-le ci-dessous."
        ),
    )
    partners_note = TextAreaField(
        _l("Intervenants : précisions"),
        validators=[Length(max=500), *TEXT],
        description=_l("Qui suit le dossier chez ces organismes, ce que l’annuaire ne dit pas."),
    )
    needs_ground_floor = BooleanField(_l("Besoin : rez-de-chaussée"))
    needs_lift = BooleanField(_l("Besoin : ascenseur"))
    needs_adapted = BooleanField(_l("Besoin : logement adapté"))
    health_details = TextAreaField(_l("Santé (confidentiel)"), validators=[Length(max=5000), *TEXT])
    vulnerability_details = TextAreaField(
        _l("Vulnérabilités (confidentiel)"), validators=[Length(max=5000), *TEXT]
    )
    alert_codes = MultiCheckboxField(
        _l("Alerte"),
        choices=SafetyAlert.choices(),
        description=_l(
            "Consignes lues par toute l’équipe, partout où le ménage apparaît. Le motif "
            "reste dans les champs confidentiels (santé, vulnérabilités) : ne l’écrivez pas ici."
        ),
    )
    alert_note = StringField(
        _l("Autre consigne"),
        validators=[Length(max=200), *TEXT],
        description=_l("Texte court, par exemple : appeler avant toute visite."),
    )
    committee_flag = BooleanField(_l("À examiner en comité de suivi"))
    committee_blocking_point = StringField(
        _l("Point de blocage"), validators=[Length(max=500), *TEXT]
    )
    committee_decision = TextAreaField(
        _l("Décision du comité"), validators=[Length(max=5000), *TEXT]
    )

    #: Fields that are not columns to copy.
    NOT_DATA = frozenset({"csrf_token", "version"})

    def validate_numero_unique_renewal(self, field):
        """Its reminder task falls a month earlier: that day must exist (year 1 onwards)."""
        if field.data is None:
            return
        try:
            numero_unique_reminder(field.data)
        except OverflowError:
            raise ValidationError(
                _l(
                    "Date trop ancienne : la tâche de rappel, %(days)s jours avant, "
                    "tomberait avant l’an 1.",
                    days=NUMERO_UNIQUE_NOTICE.days,
                )
            ) from None

    def restrict_for(self, user) -> None:
        """Remove the fields the user may not read (capintra.confidentiality), and the
        social follow-up's unless they are an officer."""
        social = user_can(user, "household.social")
        for name in list(self._fields):
            if (name in SOCIAL_FIELDS | ALERT_FIELDS and not social) or not user_may_read_field(
                user, Household, name
            ):
                delattr(self, name)
        if "partner_ids" in self._fields and not user_may_see_confidential(user, HouseholdPartner):
            delattr(self, "partner_ids")

    def data_for_model(self) -> dict:
        return {
            name: field_value(field)
            for name, field in self._fields.items()
            if name not in self.NOT_DATA
        }


def field_value(field):
    """The value to store: text stripped, and "" for a text field left out of the post
    (its columns are NOT NULL; a missing field must not become a 500)."""
    value = field.data
    if isinstance(value, str):
        return value.strip()
    if value is None and isinstance(field, StringField) and not isinstance(field, MoneyField):
        return ""
    return value


class MemberForm(VersionedForm):
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=100), *TEXT])
    first_name = StringField(_l("Prénom"), validators=[Length(max=100), *TEXT])
    birth_date = DateField(_l("Date de naissance"), validators=[Optional()])
    relation = SelectField(
        _l("Lien avec le chef de ménage"), choices=Relation.choices(), coerce=Relation
    )
    lease_holder = BooleanField(_l("Titulaire du bail"))
    in_home_since = DateField(_l("Dans le logement depuis"), validators=[Optional()])
    employment = SelectField(
        _l("Situation professionnelle"),
        choices=[("", "—"), *Employment.choices()],
        coerce=enum_or_none(Employment),
        validators=[Optional()],
    )
    disability_need = TextAreaField(
        _l("Besoin lié au handicap (confidentiel)"), validators=[Length(max=2000), *TEXT]
    )


class NoteForm(VersionedForm):
    kind = SelectField(_l("Type"), choices=NoteKind.choices(), coerce=NoteKind)
    note_date = DateField(_l("Date"), validators=[InputRequired()])
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20000), *TEXT])
    shared = BooleanField(
        _l("Partagée avec l’équipe projet"),
        description=_l(
            "Sans cette case, la note reste confidentielle : seuls les chargé(e)s de "
            "missions sociales la lisent."
        ),
    )


#: No letter before this day: the files of the operations start long after (DESIGN §2).
FIRST_LETTER_DAY = date(1990, 1, 1)
#: Channels whose delivery is acknowledged (a signed AR or receipt).
ACKNOWLEDGED_CHANNELS = frozenset({LetterChannel.LRAR, LetterChannel.MAIN_PROPRE})
#: Channels through the post office, whose fate it may tell (LRAR, simple mail).
POSTED_CHANNELS = frozenset({LetterChannel.LRAR, LetterChannel.SIMPLE})


def _letter_day(field) -> None:
    """A letter's date as evidence: not in the future, not before 1990."""
    if field.data is None:
        return
    if field.data > services.today():
        raise ValidationError(_l("Date dans le futur : indiquez une date passée ou aujourd’hui."))
    if field.data < FIRST_LETTER_DAY:
        raise ValidationError(_l("Date trop ancienne : indiquez une date à partir du 01/01/1990."))


class LetterForm(VersionedForm):
    """A letter as evidence before an expropriation judge (DESIGN §2 Letter)."""

    letter_date = DateField(_l("Date"), validators=[InputRequired()])
    direction = SelectField(_l("Sens"), choices=LetterDirection.choices(), coerce=LetterDirection)
    channel = SelectField(_l("Mode d’envoi"), choices=LetterChannel.choices(), coerce=LetterChannel)
    tracking_number = StringField(
        _l("Numéro de recommandé"),
        validators=[Length(max=40), *TEXT, TRACKING_NUMBER],
        description=_l("LRAR : tel qu’imprimé par La Poste, par exemple 1A 234 567 8901 2."),
    )
    acknowledged_on = DateField(
        _l("Accusé de réception le"),
        validators=[Optional()],
        description=_l("LRAR ou remise en main propre ; pas avant la date du courrier."),
    )
    delivery_outcome = SelectField(
        _l("Distribution"),
        choices=[("", "—"), *DeliveryOutcome.choices()],
        coerce=enum_or_none(DeliveryOutcome),
        validators=[Optional()],
        description=_l("Courrier envoyé par la poste : ce qu’elle en dit (AR, retour)."),
    )
    subject = StringField(_l("Objet"), validators=[DataRequired(), Length(max=300), *TEXT])

    def validate_letter_date(self, field):
        _letter_day(field)

    def validate_tracking_number(self, field):
        if (field.data or "").strip() and self.channel.data is not LetterChannel.LRAR:
            raise ValidationError(_l("Un numéro de recommandé ne concerne qu’une LRAR."))

    def validate_acknowledged_on(self, field):
        if field.data is None:
            return
        _letter_day(field)
        if self.channel.data not in ACKNOWLEDGED_CHANNELS:
            raise ValidationError(
                _l("Un accusé de réception ne concerne qu’une LRAR ou une remise en main propre.")
            )
        sent = self.letter_date.data
        if sent is not None and field.data < sent:
            raise ValidationError(
                _l("L’accusé de réception ne peut précéder la date du courrier (%(d)s).",
                   d=sent.strftime("%d/%m/%Y"))
            )  # fmt: skip

    def validate_delivery_outcome(self, field):
        outcome = field.data
        if outcome is None:
            return
        posted = self.channel.data in POSTED_CHANNELS
        if self.direction.data is not LetterDirection.SENT or not posted:
            raise ValidationError(
                _l("La distribution ne concerne qu’un courrier envoyé par la poste (LRAR ou "
                   "courrier simple).")
            )  # fmt: skip
        if outcome is DeliveryOutcome.NON_RECLAME and self.channel.data is not LetterChannel.LRAR:
            raise ValidationError(_l("Seule une LRAR peut être avisée et non réclamée."))


class TaskForm(VersionedForm):
    title = StringField(_l("Tâche"), validators=[DataRequired(), Length(max=200), *TEXT])
    due_date = DateField(_l("Échéance"), validators=[InputRequired()])
    assignee_id = SelectField(_l("Attribuée à"), coerce=optional_id)
    done = BooleanField(_l("Faite"))


class PhaseForm(RequiredVersionForm):
    to_phase = SelectField(
        _l("Nouvelle étape"),
        choices=Phase.choices(),
        coerce=enum_or_none(Phase),
        validators=[DataRequired(message=_l("Choisissez la nouvelle étape."))],
    )
    outcome = SelectField(
        _l("Issue (pour clore)"),
        choices=[("", "—"), *Outcome.choices()],
        coerce=enum_or_none(Outcome),
        validators=[Optional()],
    )
    reason = TextAreaField(
        _l("Motif"),
        validators=[Length(max=2000), *TEXT],
        description=_l("Obligatoire pour revenir à une étape précédente."),
    )


class SplitForm(RequiredVersionForm):
    member_id = HiddenField(validators=[DataRequired(), record_id])


class AcknowledgeForm(RequiredVersionForm):
    """« AR reçu le … » on the dashboard: the letter's version and the date (today when
    left blank)."""

    acknowledged_on = DateField(_l("AR reçu le"), validators=[Optional()])


class TaskDoneForm(RequiredVersionForm):
    """« Faite » on the dashboard: the task's version."""
