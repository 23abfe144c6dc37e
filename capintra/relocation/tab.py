"""The household file's « Souhaits et propositions » tab (declared in feature.py): the
household's wishes, edited in place, and the offers made to it, added, edited and
deleted inline by officers; everyone who sees the file reads them (rent and charges:
who reads the household's finances).

And its « Relogement » tab: the temporary and final relocations, recorded by officers
(the right to return of a temporary one shown while open), the remaining charge and
effort rate before and after for who reads the household's finances, the satisfaction
survey edited in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capintra import clock
from capintra.households.models import Household
from capintra.organisations.models import OrganisationKind
from capintra.organisations.queries import kinded_choices
from capintra.relocation import queries, services
from capintra.relocation.forms import OfferForm, RelocationEditForm, RelocationForm, WishesForm
from capintra.relocation.models import Offer, Relocation, RelocationKind, Wishes
from capintra.web.forms import DeleteForm
from capintra.web.pages import TabState

TAB = "offers"
RELOCATION_TAB = "relocation"


#: Which organisations of the directory each field offers: landlords among the social
#: landlords (and « autre » for the others), reservation holders among theirs.
KINDS = {
    "landlord_id": (OrganisationKind.BAILLEUR, OrganisationKind.AUTRE),
    "preferred_landlord_id": (OrganisationKind.BAILLEUR, OrganisationKind.AUTRE),
    "reservation_holder_id": (
        OrganisationKind.RESERVATAIRE, OrganisationKind.DEPARTEMENT, OrganisationKind.AUTRE,
    ),
}  # fmt: skip


def _organisations(form, record: Any = None) -> None:
    """The directory's options for each organisation field; the record's stored value
    stays offered whatever its kind (entered before the lists were narrowed)."""
    directory = kinded_choices()
    for name, kinds in KINDS.items():
        if name in form:
            kept = getattr(record, name, None)
            options = [(i, label) for i, label, kind in directory if kind in kinds or i == kept]
            form[name].choices = [("", "—"), *options]


def wishes_form(wishes: Wishes | None, formdata: Any = None) -> WishesForm:
    """The wishes' form; a posted one is read from the post alone."""
    if formdata is not None:
        form = WishesForm(formdata=formdata)
    else:
        form = WishesForm(formdata=None, obj=wishes)
        if wishes is not None:
            form.version.data = wishes.version
    _organisations(form, wishes)
    return form


def offer_form(offer: Offer | None, formdata: Any = None) -> OfferForm:
    if formdata is not None:
        form = OfferForm(formdata=formdata)
    else:
        form = OfferForm(formdata=None, obj=offer)
        if offer is not None:
            form.version.data = offer.version
        else:
            form.sent_on.data = clock.today()
    _organisations(form, offer)
    return form


@dataclass(frozen=True)
class Row:
    offer: Offer
    waiting: services.Waiting


def context(household: Household, state: TabState) -> dict:
    today = clock.today()
    offers = queries.offers_of(household)
    state.add_form = state.add_form or offer_form(None)
    return {
        "wishes": queries.wishes_of(household),
        "rows": [Row(o, services.waiting(o, today)) for o in offers],
        "formal_count": services.formal_count(offers),
        "formal_required": services.FORMAL_OFFERS_REQUIRED,
        "offers_count": len(offers),
        "delete_form": DeleteForm(formdata=None),
    }


# --- the « Relogement » tab ----------------------------------------------------------------


def relocation_form(household: Household, formdata: Any = None) -> RelocationForm:
    """The add form: the offers the household accepted, our vacant units (a temporary
    home), the directory."""
    if formdata is not None:
        form = RelocationForm(formdata=formdata)
    else:
        form = RelocationForm(formdata=None)
        today = clock.today()
        form.relocated_on.data = today
        form.keys_on.data = today
        form.kind.data = RelocationKind.DEFINITIF
    _organisations(form)
    form.offer_id.choices = [("", "—"), *queries.accepted_offer_choices(household)]
    form.unit_id.choices = [("", "—"), *queries.vacant_unit_choices(household, clock.today())]
    return form


def relocation_edit_form(relocation: Relocation, formdata: Any = None) -> RelocationEditForm:
    if formdata is not None:
        form = RelocationEditForm(formdata=formdata)
    else:
        form = RelocationEditForm(formdata=None, obj=relocation)
        form.version.data = relocation.version
    _organisations(form, relocation)
    if relocation.is_final:
        del form.right_to_return
    return form


def relocation_context(household: Household, state: TabState) -> dict:
    relocations = queries.relocations_of(household)
    final = next((r for r in relocations if r.is_final), None)
    if final is None and state.add_form is None:
        state.add_form = relocation_form(household)
    return {
        "relocations": relocations,
        "final": final,
        "temporary_open": next(
            (r for r in relocations if not r.is_final and r.ended_on is None), None
        ),
    }
