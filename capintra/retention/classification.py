"""How the audit trail treats disposal lists, and the actions the retention run records
(counts only: an event of the run names no one)."""

from flask_babel import lazy_gettext as _l

from capintra.features import ORD, Audited
from capintra.retention.models import DisposalList

AUDITED = (
    Audited(
        DisposalList,
        _l("Bordereau d’élimination"),
        {
            "status": (ORD, _l("Statut")),
            "approved_by_id": (ORD, _l("Approuvé par")),
            "approved_at": (ORD, _l("Approuvé le")),
            "applied_at": (ORD, _l("Appliqué le")),
        },
        event_fields={
            "social_notes": _l("Notes de suivi"),
            "supporting_documents": _l("Justificatifs"),
            "whole_file": _l("Dossiers anonymisés"),
            "skipped": _l("Lignes écartées"),
            "applied_lists": _l("Bordereaux appliqués"),
            "listed_lines": _l("Lignes inscrites"),
        },
    ),
)

ACTIONS = {
    "disposal_list_written": _l("Bordereau d’élimination établi"),
    "disposal_list_applied": _l("Bordereau d’élimination appliqué"),
    "retention_run": _l("Passage de la conservation"),
}
