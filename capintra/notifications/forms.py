"""Marking notifications read: one (`id`) or all of them (`all=1`)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, Optional

from capintra.text import lazy_gettext as _l
from capintra.web.forms import record_id


class MarkReadForm(FlaskForm):
    id = HiddenField(validators=[Optional(), record_id])
    all = HiddenField(validators=[Optional(), AnyOf(["1"], message=_l("Valeur invalide."))])
    #: The page of the list the button was on, to come back to it (keyset cursor).
    before = HiddenField(validators=[Optional(), record_id])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.id.data and self.all.data != "1":
            self.form_errors.append(_l("Choisissez la notification à marquer comme lue."))
            return False
        return True

    @property
    def notification_id(self) -> int | None:
        return int(self.id.data) if self.id.data else None

    @property
    def everything(self) -> bool:
        return self.all.data == "1"

    @property
    def page(self) -> int | None:
        return int(self.before.data) if self.before.data else None
