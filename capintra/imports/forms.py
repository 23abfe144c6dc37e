"""The import's forms: the upload, and the commit / abandon buttons (they carry the
batch's version)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from capintra.text import lazy_gettext as _l
from capintra.web.forms import RequiredVersionForm


class UploadForm(FlaskForm):
    file = FileField(
        _l("Tableau à importer"),
        validators=[FileRequired(_l("Choisissez le fichier du tableau (.xlsx ou .csv)."))],
        description=_l(
            "Classeur Excel (.xlsx) ou CSV séparé par des points-virgules. Rien n’est écrit "
            "avant que vous ayez relu l’aperçu et validé."
        ),
        render_kw={"accept": ".xlsx,.csv,text/csv"},
    )


class BatchActionForm(RequiredVersionForm):
    """« Importer » or « Abandonner » on the preview of a batch."""
