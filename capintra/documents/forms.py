from flask import request
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import CombinedMultiDict
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length

from capintra.confidentiality import user_may_see_confidential
from capintra.documents.models import Document, DocumentKind
from capintra.text import lazy_gettext as _l
from capintra.web.forms import no_control_characters


class DocumentForm(FlaskForm):
    file = FileField(_l("Fichier"), validators=[FileRequired(_l("Choisissez un fichier."))])
    kind = SelectField(_l("Type de pièce"), choices=DocumentKind.choices(), coerce=DocumentKind)
    title = StringField(_l("Intitulé"), validators=[Length(max=200), no_control_characters])
    shared = BooleanField(
        _l("Partager avec l’équipe projet"),
        description=_l(
            "Sans cette case, la pièce reste confidentielle : seuls les chargé(e)s de "
            "missions sociales la lisent."
        ),
    )
    delete_after_use = BooleanField(_l("Justificatif à supprimer après instruction"))


#: What the file picker offers (the accepted types, DESIGN §2 Document).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt,application/pdf,image/jpeg,image/png"


def upload_form(formdata=None) -> DocumentForm:
    """The upload form; only officers choose to share (their uploads are confidential
    otherwise; everyone else's are shared: `confidentiality.confidential_by_default`)."""
    form = DocumentForm(formdata=formdata)  # None: a blank form, even while handling a POST
    # A hint for the browser's file picker only: the server sniffs the content.
    form.file.render_kw = {"accept": ACCEPT}
    if not user_may_see_confidential(current_user, Document):
        del form.shared
    return form


def submitted_upload_form() -> DocumentForm:
    """The upload form filled from the request: its fields and its file."""
    return upload_form(formdata=CombinedMultiDict((request.files, request.form)))
