"""Documents: uploads sniffed and stored outside the web root, access-checked downloads.

The owners (household files now) host the upload and the list on their pages; they
declare themselves with `DocumentOwner` (capintra/documents/owners.py)."""

from capintra.confidentiality import Confidential
from capintra.documents import demo
from capintra.documents.classification import ACTIONS, AUDITED
from capintra.documents.models import Document
from capintra.documents.services import install_document_listeners
from capintra.documents.views import bp
from capintra.features import Feature

FEATURE = Feature(
    name="documents",
    blueprints=((bp, None),),
    models=(Document,),
    setup=(lambda app: install_document_listeners(),),
    confidential=(Confidential(Document, shared_action="document_shared"),),
    audited=AUDITED,
    actions=ACTIONS,
    route_params={"document_id": demo.example_document},
)
