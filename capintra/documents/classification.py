"""How the audit trail treats documents (capintra.features.Audited), and the actions
documents records."""

from capintra.documents.models import Document
from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.text import lazy_gettext as _l

AUDITED = (
    Audited(
        Document,
        _l("Pièce jointe"),
        {
            "owner_type": (ORD, HIDDEN),
            "owner_id": (ORD, HIDDEN),
            "kind": (ORD, _l("Type")),
            "title": (PER, _l("Intitulé")),
            "confidential": (ORD, _l("Confidentiel")),
            "delete_after_use": (ORD, _l("À supprimer après instruction")),
            "original_name": (PER, _l("Nom du fichier")),
            "content_type": (ORD, _l("Type de fichier")),
            "size": (ORD, _l("Taille")),
            "checksum": (ORD, HIDDEN),
            "storage_name": (ORD, HIDDEN),  # generated, never the uploaded file's name
            "uploaded_by_id": (ORD, _l("Déposée par")),
            "purged_at": (ORD, _l("Contenu détruit le")),
        },
    ),
)

ACTIONS = {
    "download": _l("Téléchargement"),
    "read_confidential": _l("Lecture d’un élément confidentiel"),
    "document_shared": _l("Pièce jointe partagée"),
}
