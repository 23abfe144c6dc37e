"""Rules of the orders' reference data: one live contract per reference, one live lot per
number in a contract, a lot's provider from the directory, one live price item per code in
a lot, one price version per item and day, delegations held and used by active managers.

Plain functions that take objects, flush, and raise a DomainError when a rule refuses;
the view commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from capintra.admin.models import Operation
from capintra.auth.models import User
from capintra.documents.models import Document, DocumentKind
from capintra.documents.services import (
    JPEG,
    PNG,
    delete_document,
    discard_content,
    store_upload,
)
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.orders.models import (
    Amendment,
    Contract,
    DelegationDeputy,
    DelegationOperation,
    Lot,
    OrderIssuer,
    PriceItem,
    PriceVersion,
    SigningDelegation,
)
from capintra.organisations.models import Organisation
from capintra.organisations.services import clean_siret
from capintra.security import Role

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage


def _copy(record, data: dict) -> None:
    for name, value in data.items():
        setattr(record, name, value)
    db.session.add(record)
    db.session.flush()


def save_contract(contract: Contract, data: dict) -> None:
    if data["end_date"] < data["start_date"]:
        raise DomainError(_("La fin du marché précède son début."), contract)
    twin = db.session.scalars(
        select(Contract).where(
            Contract.reference == data["reference"],
            Contract.deleted_at.is_(None),
            Contract.id != (contract.id or 0),
        )
    ).first()
    if twin is not None:
        raise DomainError(
            _("Un marché porte déjà la référence « %(ref)s ».", ref=data["reference"]), contract
        )
    _copy(contract, data)


def save_lot(lot: Lot, data: dict) -> None:
    """A lot: its provider a live organisation of the directory, its number unique among
    the contract's live lots, its minimum at most its maximum."""
    provider = db.session.get(Organisation, data["provider_id"])
    if provider is None or provider.is_deleted:
        raise DomainError(_("Ce titulaire n’est plus dans l’annuaire : choisissez-en un autre."),
                          lot)  # fmt: skip
    if data["minimum_cents"] > data["maximum_cents"]:
        raise DomainError(_("Le maximum ne peut pas être inférieur au minimum."), lot)
    twin = db.session.scalars(
        select(Lot).where(
            Lot.contract_id == lot.contract_id,
            Lot.number == data["number"],
            Lot.deleted_at.is_(None),
            Lot.id != (lot.id or 0),
        )
    ).first()
    if twin is not None:
        raise DomainError(_("Ce marché a déjà un lot n° %(n)d.", n=data["number"]), lot)
    _copy(lot, data)


def add_amendment(lot: Lot, data: dict) -> Amendment:
    if data["new_maximum_cents"] < lot.minimum_cents:
        raise DomainError(_("Le nouveau maximum ne peut pas être inférieur au minimum du lot."),
                          lot)  # fmt: skip
    amendment = Amendment(lot_id=lot.id)
    _copy(amendment, data)
    return amendment


def add_price_item(lot: Lot, data: dict, first_price: dict) -> PriceItem:
    """A line of the lot's price schedule and its first price."""
    twin = db.session.scalars(
        select(PriceItem).where(
            PriceItem.lot_id == lot.id, PriceItem.code == data["code"],
            PriceItem.deleted_at.is_(None),
        )
    ).first()  # fmt: skip
    if twin is not None:
        raise DomainError(_("Ce lot a déjà une prestation de code « %(code)s ».",
                            code=data["code"]), lot)  # fmt: skip
    item = PriceItem(lot_id=lot.id)
    _copy(item, data)
    add_price_version(item, first_price)
    return item


def add_price_version(item: PriceItem, data: dict) -> PriceVersion:
    """A price revision: from its date, the item's price is this one. One per day."""
    taken = db.session.scalars(
        select(PriceVersion).where(
            PriceVersion.price_item_id == item.id, PriceVersion.valid_from == data["valid_from"]
        )
    ).first()
    if taken is not None:
        raise DomainError(
            _("Un prix est déjà en vigueur à partir de cette date pour cette prestation."), item
        )
    version = PriceVersion(price_item_id=item.id)
    _copy(version, data)
    return version


def _manager(user_id: int, record) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role != Role.MANAGER:
        raise DomainError(_("Une délégation de signature ne peut être confiée qu’à un ou une "
                            "responsable (compte actif)."), record)  # fmt: skip
    return user


def save_delegation(delegation: SigningDelegation, data: dict, operation_ids: list[int]) -> None:
    """The delegation's holder an active manager; its operations all, or those listed."""
    _manager(data["user_id"], delegation)
    if data["end_date"] is not None and data["end_date"] < data["start_date"]:
        raise DomainError(_("La fin de la délégation précède son début."), delegation)
    wanted = set() if data["all_operations"] else set(operation_ids)
    if not data["all_operations"] and not wanted:
        raise DomainError(_("Une délégation couvre des opérations, ou toutes."), delegation)
    known = set(db.session.scalars(select(Operation.id).where(Operation.id.in_(wanted))))
    if known != wanted:
        raise DomainError(_("Une des opérations cochées n’existe plus."), delegation)
    # an existing delegation comes with its operations loaded (queries.get_delegation_or_404)
    current = {link.operation_id: link for link in delegation.operations} if delegation.id else {}
    _copy(delegation, data)
    for operation_id, link in current.items():
        if operation_id not in wanted:
            db.session.delete(link)
    for operation_id in sorted(wanted - current.keys()):
        db.session.add(DelegationOperation(delegation_id=delegation.id, operation_id=operation_id))
    db.session.flush()


def add_deputy(delegation: SigningDelegation, data: dict) -> DelegationDeputy:
    """A deputy: an active manager other than the holder, within their own dates."""
    _manager(data["user_id"], delegation)
    if data["user_id"] == delegation.user_id:
        raise DomainError(_("Le ou la délégataire ne peut pas être son propre suppléant."),
                          delegation)  # fmt: skip
    if data["end_date"] < data["start_date"]:
        raise DomainError(_("La fin de la suppléance précède son début."), delegation)
    deputy = DelegationDeputy(delegation_id=delegation.id)
    _copy(deputy, data)
    return deputy


def save_issuer(issuer: OrderIssuer, data: dict) -> None:
    """The details printed on orders: the SIRET checked again (14 digits, Luhn)."""
    data = dict(data, siret=clean_siret(data.get("siret")))
    _copy(issuer, data)


#: The signature image: a PNG or a JPEG (by its content), 1 Mo at most — a scanned
#: signature needs no more, and it is printed on every order.
SIGNATURE_TYPES = (PNG, JPEG)
SIGNATURE_MAX_SIZE = 1024 * 1024


def set_signature(issuer: OrderIssuer, file_storage: FileStorage, uploader: User) -> Document:
    """The uploaded image stored as the issuer's document and printed from now on; the
    previous one, if any, soft-deleted (kept, hidden, audited).

    Raises documents' DocumentTooLarge (413) or UploadRefused (422: not a PNG or JPEG,
    empty) before anything is written; if pointing the issuer at the image fails, the
    stored file goes too. The view commits with `commit_upload`.
    """
    document = store_upload(
        file_storage,
        owner=issuer,
        kind=DocumentKind.AUTRE,
        title=_("Signature imprimée sur les bons"),
        shared=True,
        delete_after_use=False,
        uploader=uploader,
        max_size=SIGNATURE_MAX_SIZE,
        types=SIGNATURE_TYPES,
    )
    try:
        _retire_signature(issuer)
        issuer.signature_document_id = document.id
        db.session.flush()  # a concurrent save (StaleDataError) fails here…
    except Exception:
        discard_content(document)  # …and leaves no file behind
        raise
    return document


def remove_signature(issuer: OrderIssuer) -> None:
    """Orders are printed without a signature image from now on; the image is
    soft-deleted."""
    if issuer.signature_document_id is None:
        raise DomainError(_("Aucune image de signature n’est enregistrée."), issuer)
    _retire_signature(issuer)
    issuer.signature_document_id = None
    db.session.flush()


def _retire_signature(issuer: OrderIssuer) -> None:
    if issuer.signature_document_id is None:
        return
    previous = db.session.get(Document, issuer.signature_document_id)
    if previous is not None and not previous.is_deleted:
        delete_document(previous)
