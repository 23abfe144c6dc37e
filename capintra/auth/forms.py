from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from capintra.text import lazy_gettext as _l
from capintra.web.forms import no_control_characters


class LoginForm(FlaskForm):
    username = StringField(
        _l("Identifiant"),
        validators=[DataRequired(), Length(max=64), no_control_characters],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("Au moins 12 caractères ; une phrase de plusieurs mots convient bien."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmer le nouveau mot de passe"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("Les deux saisies ne correspondent pas.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
