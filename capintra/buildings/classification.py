"""How the audit trail treats buildings and occupancy (capintra.features.Audited): every
column's class and French label; the rent, charges and APL of an occupancy period are
individual finances, read like the household's (DESIGN §1)."""

from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    CostsOnHold,
    Occupancy,
    Unit,
)
from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.households.classification import FINANCES
from capintra.text import lazy_gettext as _l

OCCUPANCY_FINANCES = frozenset({"rent_cents", "charges_cents", "apl_cents"})

AUDITED = (
    Audited(
        Building,
        _l("Immeuble"),
        {
            "operation_id": (ORD, _l("Opération")),
            # the home address of the households living there, like Household.address
            "address": (PER, _l("Adresse")),
            "commune": (ORD, _l("Commune")),
            "address_key": (PER, HIDDEN),
            "cadastral_parcel": (ORD, _l("Parcelle cadastrale")),
            "owner_or_syndic_id": (ORD, _l("Propriétaire ou syndic")),
            "co_ownership": (ORD, _l("Copropriété")),
            "intended_future": (ORD, _l("Devenir")),
            "state": (ORD, _l("État")),
            "levels": (ORD, _l("Nombre de niveaux")),
            "target_vacancy_date": (ORD, _l("Date de libération visée")),
        },
        silent={"address_key"},  # follows address and commune
    ),
    Audited(
        Unit,
        _l("Logement"),
        {
            "building_id": (ORD, _l("Immeuble")),
            "lot_number": (ORD, _l("Numéro de lot")),
            "floor": (ORD, _l("Étage")),
            "unit_type": (ORD, _l("Type")),
            "surface_dm2": (ORD, _l("Surface")),
            "condition": (ORD, _l("État du logement")),
            "acquired_on": (ORD, _l("Acquis le")),
            "acquisition_mode": (ORD, _l("Mode d’acquisition")),
            # free text about the unit (an import's « Observations »): may name people
            "remark": (PER, _l("Remarque")),
        },
    ),
    Audited(
        Arrete,
        _l("Arrêté"),
        {
            "building_id": (ORD, _l("Immeuble")),
            "unit_id": (ORD, _l("Logement")),
            "kind": (ORD, _l("Type d’arrêté")),
            "arrete_date": (ORD, _l("Date de l’arrêté")),
            "ban": (ORD, _l("Interdiction d’habiter")),
            "rehousing_by": (ORD, _l("Obligation de relogement")),
            "lifted_on": (ORD, _l("Mainlevée")),
        },
    ),
    Audited(
        BuildingIncident,
        _l("Événement sur l’immeuble"),
        {
            "building_id": (ORD, _l("Immeuble")),
            "incident_date": (ORD, _l("Date")),
            "kind": (ORD, _l("Type")),
            "description": (PER, _l("Description")),
            "recorded_by_id": (ORD, _l("Saisi par")),
        },
    ),
    Audited(
        Occupancy,
        _l("Occupation"),
        {
            "unit_id": (ORD, _l("Logement")),
            "household_id": (ORD, _l("Ménage")),
            "occupant_label": (PER, _l("Occupant")),
            "kind": (ORD, _l("Type d’occupation")),
            "host_id": (ORD, _l("Hébergé par")),
            "status": (ORD, _l("Statut d’occupation")),
            "start_date": (ORD, _l("Début")),
            "end_date": (ORD, _l("Remise des clés")),
            "end_reason": (ORD, _l("Motif de fin")),
            "rent_cents": (PER, _l("Loyer")),
            "charges_cents": (PER, _l("Charges")),
            "apl_cents": (PER, _l("APL")),
        },
        restricted={FINANCES: OCCUPANCY_FINANCES},
    ),
    Audited(
        CostsOnHold,
        _l("Montants en attente d’une occupation"),
        {
            "household_id": (ORD, _l("Ménage")),
            "rent_cents": (PER, _l("Loyer")),
            "charges_cents": (PER, _l("Charges")),
            "apl_cents": (PER, _l("APL")),
        },
        restricted={FINANCES: OCCUPANCY_FINANCES},
    ),
)

ACTIONS: dict = {}
