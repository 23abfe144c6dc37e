"""The building's inline items (arrêtés, incidents): one declaration per kind, read by
the add, edit and delete views and by their tabs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from capintra.buildings import queries, services
from capintra.buildings.forms import ArreteForm, IncidentForm, model_data
from capintra.buildings.models import Arrete, Building, BuildingIncident
from capintra.text import lazy_gettext as _l
from capintra.web.formatting import date_fr


def _arrete_form(form, building: Building, item, posted: bool) -> None:
    form.unit_id.choices = [("", _("L’immeuble entier"))] + [
        (u.id, _("Lot %(lot)s", lot=u.lot_number)) for u in queries.units_of(building)
    ]
    # A new arrêté's or incident's date and type start empty: a stray click records
    # nothing (422: « Indiquez la date »).


def _incident_form(form, building: Building, item, posted: bool) -> None:
    return None


def _save_arrete(item, building, data, author) -> None:
    services.save_arrete(item, building, data)


def _save_incident(item, building, data, author) -> None:
    if item.id is None:
        item.building_id = building.id
    services.save_incident(item, data, author)


def _arrete_question(item: Arrete) -> str:
    return _("Supprimer l’arrêté «\u00a0%(kind)s\u00a0» du %(d)s\u00a0?",
             kind=item.kind.label, d=date_fr(item.arrete_date))  # fmt: skip


def _incident_question(item: BuildingIncident) -> str:
    return _("Supprimer l’incident «\u00a0%(kind)s\u00a0» du %(d)s\u00a0?",
             kind=item.kind.label, d=date_fr(item.incident_date))  # fmt: skip


@dataclass(frozen=True)
class ItemKind:
    model: type
    form: type
    #: the tab that lists them, and the URL variable of one of them
    tab: str
    variable: str
    #: (building, id) → the live item of that building, or 404
    load: Callable[[Building, int], Any]
    #: fills choices and defaults: (form, building, item or None, posted)
    prepare: Callable[[Any, Building, Any, bool], None]
    #: (item, building, data, author): the kind's rules, flushed (DomainError → 409)
    save: Callable[[Any, Building, dict, Any], None]
    #: the question a delete asks without JavaScript
    question: Callable[[Any], str]
    created: Any
    updated: Any
    deleted: Any

    @staticmethod
    def data(form) -> dict:
        return model_data(form)


ITEMS: dict[str, ItemKind] = {
    "arretes": ItemKind(
        Arrete, ArreteForm, "arretes", "arrete_id", queries.get_arrete_or_404, _arrete_form,
        _save_arrete, _arrete_question,
        _l("Arrêté enregistré."), _l("Arrêté modifié."), _l("Arrêté supprimé."),
    ),
    "incidents": ItemKind(
        BuildingIncident, IncidentForm, "incidents", "incident_id", queries.get_incident_or_404,
        _incident_form, _save_incident, _incident_question,
        _l("Incident enregistré."), _l("Incident modifié."), _l("Incident supprimé."),
    ),
}  # fmt: skip


def item_form(kind: str, building: Building, item: Any, formdata: Any = None):
    """The add/edit form of an inline item, with choices and defaults filled in. A posted
    form is read from the post alone (a field missing from it is not taken from the
    record)."""
    spec = ITEMS[kind]
    posted = formdata is not None
    form = spec.form(formdata=formdata) if posted else spec.form(formdata=None, obj=item)
    if item is not None and not posted:
        form.version.data = item.version
    spec.prepare(form, building, item, posted)
    return form
