"""How the audit trail treats access requests (capintra.features.Audited): dates and who
recorded them are ordinary facts about the handling of the file."""

from capintra.features import HIDDEN, ORD, Audited
from capintra.subject_access.models import AccessRequest
from capintra.text import lazy_gettext as _l

AUDITED = (
    Audited(
        AccessRequest,
        _l("Demande d’accès"),
        {
            "household_id": (ORD, HIDDEN),
            "requested_on": (ORD, _l("Demande reçue le")),
            "recorded_by_id": (ORD, _l("Enregistrée par")),
            "answered_on": (ORD, _l("Répondue le")),
            "answered_by_id": (ORD, _l("Répondue par")),
        },
    ),
)
