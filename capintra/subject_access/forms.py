"""The two forms of the export page: a request received, a request answered."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from capintra import clock
from capintra.text import lazy_gettext as _l
from capintra.web.forms import RequiredVersionForm


def not_in_future(form, field) -> None:
    if field.data is not None and field.data > clock.today():
        raise ValidationError(
            _l("La date ne peut pas être dans le futur : indiquez le jour où elle a eu lieu.")
        )


class AccessRequestForm(FlaskForm):
    requested_on = DateField(
        _l("Demande d’accès reçue le"),
        validators=[InputRequired(message=_l("Indiquez la date de réception de la demande.")),
                    not_in_future],
    )  # fmt: skip


class AnswerForm(RequiredVersionForm):
    answered_on = DateField(
        _l("Réponse remise le"),
        validators=[InputRequired(message=_l("Indiquez la date de la réponse.")), not_in_future],
    )
