"""How the audit trail treats import batches (capintra.features.Audited). The rows a
batch holds name people (occupants, telephones): the trail keeps only that they changed.
What a commit creates (buildings, units, files, periods, notes) is audited by those
records' own classifications, one event each."""

from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.imports.models import ImportBatch
from capintra.text import lazy_gettext as _l

AUDITED = (
    Audited(
        ImportBatch,
        _l("Import de tableau"),
        {
            "uploaded_by_id": (ORD, _l("Déposé par")),
            "filename": (PER, _l("Fichier")),
            "size_bytes": (ORD, _l("Taille")),
            "checksum": (ORD, HIDDEN),
            "status": (ORD, _l("État de l’import")),
            "row_count": (ORD, _l("Lignes")),
            "error_count": (ORD, _l("Lignes en erreur")),
            "rows": (PER, _l("Lignes lues")),
            "warnings": (PER, _l("Avertissements")),
            "counts": (ORD, _l("Décompte")),
            "committed_at": (ORD, _l("Importé le")),
            "committed_by_id": (ORD, _l("Importé par")),
        },
        # Refreshed with the rows (a refused commit redraws the preview): no event alone.
        silent={"rows", "counts", "row_count", "error_count", "warnings"},
        event_fields={
            "rows": _l("Lignes"),
            "errors": _l("Lignes en erreur"),
            "present": _l("Déjà présentes"),
            "buildings": _l("Immeubles créés"),
            "units": _l("Logements créés"),
            "households": _l("Dossiers ménage créés"),
            "periods": _l("Occupations ouvertes"),
            "labelled": _l("Occupations hors ménage"),
            "walled_up": _l("Logements murés"),
            "notes": _l("Notes partagées"),
            "remarks": _l("Remarques sur les logements"),
        },
    ),
)

ACTIONS = {"import_committed": _l("Import validé")}
