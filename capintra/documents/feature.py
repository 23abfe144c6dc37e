"""Documents: uploads sniffed and stored outside the web root, access-checked downloads."""

from capintra.documents import demo
from capintra.documents.models import Document
from capintra.documents.services import install_document_listeners
from capintra.documents.views import bp
from capintra.features import Feature

FEATURE = Feature(
    name="documents",
    blueprints=((bp, None),),
    models=(Document,),
    setup=(lambda app: install_document_listeners(),),
    route_params={"document_id": demo.example_document},
)
