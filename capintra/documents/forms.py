from capintra.households.forms import DocumentForm
from capintra.security import can


def upload_form(formdata=None) -> DocumentForm:
    """The upload form; only officers may mark a document confidential."""
    form = DocumentForm(formdata=formdata) if formdata is not None else DocumentForm()
    if not can("household.confidential"):
        del form.confidential
    return form
