"""The committee's decision on one file."""

from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from capintra.text import lazy_gettext as _l
from capintra.web.forms import RequiredVersionForm, no_control_characters

#: Long enough for a committee's minutes on one file.
DECISION_LENGTH = 4000


class DecisionForm(RequiredVersionForm):
    """The decision (named like the household's column, so that the stale-edit screen
    shows the current one under it) and whether the file leaves the committee's list."""

    committee_decision = TextAreaField(
        _l("Décision du comité"),
        validators=[
            DataRequired(message=_l("Écrivez la décision du comité.")),
            Length(max=DECISION_LENGTH),
            no_control_characters,
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    unflag = BooleanField(_l("Dossier traité : le retirer de la liste du comité"))
