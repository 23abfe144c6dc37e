from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from capintra.admin.models import COMMUNES, Procedure
from capintra.security import Role
from capintra.text import lazy_gettext as _l
from capintra.web.forms import (
    RequiredVersionForm,
    VersionedForm,
    email_address,
    no_control_characters,
    optional_id,
)

ROLE_CHOICES = [(r.value, r.label) for r in Role]


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("Identifiant"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Lettres, chiffres, point, tiret.")),
        ],
    )
    full_name = StringField(
        _l("Nom complet"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    email = EmailField(_l("Courriel"), validators=[Optional(), email_address, Length(max=254)])
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES, validators=[DataRequired()])
    is_admin = BooleanField(_l("Administrateur"))
    password = PasswordField(
        _l("Mot de passe provisoire"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("À changer à la première connexion. Au moins 12 caractères."),
        render_kw={"autocomplete": "new-password"},
    )


class UserEditForm(RequiredVersionForm):
    full_name = StringField(
        _l("Nom complet"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    email = EmailField(_l("Courriel"), validators=[Optional(), email_address, Length(max=254)])
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES, validators=[DataRequired()])
    is_admin = BooleanField(_l("Administrateur"))


class PasswordResetForm(RequiredVersionForm):
    password = PasswordField(
        _l("Mot de passe provisoire"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("La personne devra le changer à sa prochaine connexion."),
        render_kw={"autocomplete": "new-password"},
    )


class SimpleVersionForm(RequiredVersionForm):
    """Deactivate, reactivate, unlock: a button carrying the version shown."""


class OperationForm(VersionedForm):
    name = StringField(
        _l("Nom"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    communes = SelectMultipleField(
        _l("Communes"), choices=[(c, c) for c in COMMUNES], validators=[DataRequired()]
    )
    procedures = SelectMultipleField(
        _l("Procédures"), choices=[(p.value, p.label) for p in Procedure]
    )
    concession_ref = StringField(
        _l("Référence de la concession"), validators=[Length(max=100), no_control_characters]
    )
    funders = StringField(_l("Financeurs"), validators=[Length(max=300), no_control_characters])
    priority_area = BooleanField(_l("Quartier prioritaire (QPV)"))
    start_date = DateField(_l("Début"), validators=[Optional()])
    end_date = DateField(_l("Fin"), validators=[Optional()])

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("La fin précède le début."))


class ReassignForm(FlaskForm):
    """Hand an officer's household files (and their open tasks) to another officer."""

    to_officer_id = SelectField(
        _l("Nouveau ou nouvelle référent(e)"),
        coerce=optional_id,
        validators=[DataRequired()],
    )
