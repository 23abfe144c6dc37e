"""How the audit trail treats disposal lists, and the actions the retention run records
(counts only: an event of the run names no one)."""

from capintra.features import HIDDEN, ORD, Audited
from capintra.retention.models import DisposalLine, DisposalList
from capintra.text import lazy_gettext as _l

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
    # Written once by the run, in one INSERT (its event counts them); only the run
    # marks a line applied or skipped. Months, never days: nothing personal.
    Audited(
        DisposalLine,
        _l("Ligne de bordereau d’élimination"),
        {
            "disposal_list_id": (ORD, HIDDEN),
            "household_id": (ORD, HIDDEN),
            "reference": (ORD, _l("Référence")),
            "category": (ORD, _l("Catégorie")),
            "closed_on": (ORD, _l("Mois de clôture")),
            "due_on": (ORD, _l("Mois d’échéance")),
            "applied_at": (ORD, _l("Appliquée le")),
            "skipped": (ORD, _l("Écartée")),
        },
    ),
)

ACTIONS = {
    "disposal_list_written": _l("Bordereau d’élimination établi"),
    "disposal_list_applied": _l("Bordereau d’élimination appliqué"),
    "retention_run": _l("Passage de la conservation"),
}
