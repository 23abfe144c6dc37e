"""How the audit trail treats the directory (capintra.features.Audited)."""

from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.organisations.models import Organisation
from capintra.text import lazy_gettext as _l

AUDITED = (
    Audited(
        Organisation,
        _l("Organisme"),
        {
            "name": (ORD, _l("Nom")),
            "name_key": (ORD, HIDDEN),
            "kind": (ORD, _l("Type")),
            "address": (ORD, _l("Adresse")),
            "contact": (PER, _l("Contact")),
            "siret": (ORD, _l("SIRET")),
            "merged_into_id": (ORD, _l("Fusionné dans")),
        },
        silent={"name_key"},  # follows name
        event_fields={"moved": _l("Fiches rattachées à l’organisme conservé")},
    ),
)

ACTIONS = {
    "organisation_merged": _l("Fusion de doublons"),
}
