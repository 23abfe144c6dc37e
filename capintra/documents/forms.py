from flask import request
from werkzeug.datastructures import CombinedMultiDict

from capintra.households.forms import DocumentForm
from capintra.security import can

#: What the file picker offers (the accepted types, DESIGN §2 Document).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt,application/pdf,image/jpeg,image/png"


def upload_form(formdata=None) -> DocumentForm:
    """The upload form; only officers may mark a document confidential."""
    form = DocumentForm(formdata=formdata)  # None: a blank form, even while handling a POST
    # A hint for the browser's file picker only: the server sniffs the content.
    form.file.render_kw = {"accept": ACCEPT}
    if not can("household.confidential"):
        del form.confidential
    return form


def submitted_upload_form() -> DocumentForm:
    """The upload form filled from the request: its fields and its file."""
    return upload_form(formdata=CombinedMultiDict((request.files, request.form)))
