"""Directory forms: an organisation (admins; assistants and officers add one where they
need it), and the merge of a duplicate."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from capintra.organisations.models import OrganisationKind
from capintra.organisations.services import SIRET_MESSAGE, siret_is_valid
from capintra.text import lazy_gettext as _l
from capintra.web.forms import (
    RequiredVersionForm,
    VersionedForm,
    no_control_characters,
    optional_id,
)

TEXT = [no_control_characters]

#: The prefix of the quick-add form's fields, so that it can sit inside another form (the
#: household's) without its « name » answering for the household's.
QUICK_PREFIX = "new_org"


def _kind(value):
    return OrganisationKind(value) if value else OrganisationKind.AUTRE


class OrganisationForm(VersionedForm):
    name = StringField(
        _l("Nom de l’organisme"),
        validators=[DataRequired(_l("Indiquez le nom de l’organisme.")), Length(max=200), *TEXT],
        description=_l("Par exemple : CCAS de Saint-Étienne, Secours populaire Firminy."),
    )
    kind = SelectField(
        _l("Type"), choices=OrganisationKind.choices(), coerce=_kind, default="autre"
    )
    address = StringField(_l("Adresse"), validators=[Length(max=300), *TEXT])
    contact = StringField(
        _l("Contact"),
        validators=[Length(max=300), *TEXT],
        description=_l("Une personne, un service, un téléphone ou un courriel."),
    )
    siret = StringField(
        _l("SIRET"),
        validators=[Length(max=40), *TEXT],
        description=_l("14 chiffres, s’il y a lieu (espaces acceptés)."),
    )

    def validate_siret(self, field):
        siret = "".join((field.data or "").split())
        if siret and not siret_is_valid(siret):
            raise ValidationError(SIRET_MESSAGE)

    def data_for_model(self) -> dict:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "address": (self.address.data or "").strip(),
            "contact": (self.contact.data or "").strip(),
            "siret": self.siret.data or "",
        }


class MergeForm(RequiredVersionForm):
    """Merge this organisation (the duplicate, whose version the form carries) into the
    one chosen."""

    kept_id = SelectField(
        _l("Organisme conservé"),
        coerce=optional_id,
        # The view refuses an organisation gone meanwhile (404) or the duplicate itself
        # (409, with the reason) rather than WTForms' « Not a valid choice ».
        validate_choice=False,
        validators=[DataRequired(_l("Choisissez l’organisme à conserver."))],
        description=_l(
            "Les immeubles et les ménages liés au doublon passent à l’organisme conservé ; "
            "le doublon disparaît de l’annuaire."
        ),
    )
