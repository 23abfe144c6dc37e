"""Item 6 of issue 12, the check of the mechanism: every model classified, every
editable model versioned, every change audited — generated over every model the
features declare (`Feature.models`), so a new model that escapes any of them fails here
the day it is added, with a message saying what to declare.

The three checks are plain functions; the end of this module runs them on throwaway
models (mapped on a registry of their own, so the suite's checks that every mapped model
is declared and migrated never see them) and shows that each one catches its escape.

Every change audited is also tests/audit/test_audit.py's
test_one_event_per_insert_update_and_soft_delete (insert, edit, soft delete of a sample
of every audited model; a model without a sample fails there); this module adds the hard
delete, and shows that an unclassified model cannot be written at all.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, func, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from capintra import FEATURES
from capintra.audit.classification import Classification, UnclassifiedColumn, collect
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.features import ORD, Audited, Feature, load
from capintra.models import VersionedMixin
from tests.audit.test_audit import sample

FEATURE_LIST = load(FEATURES)
CLASSIFICATION = collect(FEATURE_LIST)
#: Every model, as its feature declares it.
MODELS = sorted(
    {model for feature in FEATURE_LIST for model in feature.models}, key=lambda m: m.__name__
)

#: Audited models without a version counter, each for a reason read by hand: their rows
#: are written once and never edited (no route or service edits one: a change is a new
#: row, or the row goes), so no form can carry a stale version of one. Anything else
#: that is audited is editable, and carries `version` (capintra.models.VersionedMixin).
APPEND_ONLY = {
    "phase_change": "a file's move from one phase to another, written by the move",
    "delegation_operation": "a delegation ↔ operation link: added or removed with the "
    "delegation's edit, which the delegation's version guards",
    "purchase_order_household": "an order ↔ household link: added or removed while the "
    "order is a draft, which the order's version guards",
    "order_attestation": "a service-fait attestation, written once when attested",
    "order_attestation_line": "a line of an attestation, written with it",
    "disposal_line": "a line of a disposal list, written with it by flask anonymise-closed "
    "and marked applied or skipped once by the run that applies the list (the list's "
    "version guards it); no form edits it",
}


def classification_problems(model: type, classes: Classification) -> list[str]:
    """The model's table is audited (every column classified) or declared not audited."""
    table = model.__table__
    if table.name in classes.not_audited:
        return []
    if table.name not in classes.tables:
        return [
            f"{table.name}: classified nowhere — add Audited({model.__name__}, label, "
            "{column: (Kind, label)…}) to its feature's `audited`, or the model to "
            "`not_audited` (and to test_only_bookkeeping_tables_escape_the_audit)"
        ]
    declared = classes.tables[table.name]
    missing = sorted(set(table.columns.keys()) - set(declared.kinds))
    extra = sorted(set(declared.kinds) - set(table.columns.keys()))
    unlabelled = sorted(declared.unlabelled)
    return (
        [f"{table.name}.{c}: not classified (feature {declared.feature})" for c in missing]
        + [f"{table.name}.{c}: classified, but no such column" for c in extra]
        + [f"{table.name}.{c}: a Kind without its French label" for c in unlabelled]
    )


def version_problems(model: type, classes: Classification) -> list[str]:
    """An audited model is editable, so versioned (its `version` column is SQLAlchemy's
    version counter, which check_version and the forms read), unless APPEND_ONLY says
    why not; an APPEND_ONLY entry that has a version counter is stale."""
    table = model.__table__.name
    if table in classes.not_audited:
        return []
    counter = inspect(model).version_id_col
    versioned = (
        counter is not None
        and counter.name == "version"
        and isinstance(counter.type, Integer)
        and not counter.nullable
    )
    if table in APPEND_ONLY:
        if versioned:
            return [f"{table}: versioned, remove it from APPEND_ONLY"]
        return []
    if not versioned:
        return [
            f"{table}: audited but has no version counter — inherit "
            "capintra.models.VersionedMixin (and check the version its forms carry with "
            "check_version), or, if no one ever edits a row, add it to APPEND_ONLY here "
            "with the reason"
        ]
    return []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__tablename__)
def test_every_model_is_classified(model):
    assert not classification_problems(model, CLASSIFICATION)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__tablename__)
def test_every_editable_model_is_versioned(model):
    assert not version_problems(model, CLASSIFICATION)


def test_every_append_only_model_exists_and_is_audited():
    tables = {model.__tablename__ for model in MODELS}
    assert set(APPEND_ONLY) <= tables
    assert not set(APPEND_ONLY) & CLASSIFICATION.not_audited


AUDITED = [m for m in MODELS if m.__tablename__ not in CLASSIFICATION.not_audited]
#: Samples whose rows cannot be erased alone (their children hold them), with the reason
#: nothing is lost: those rows are never erased by the application either.
NOT_ERASABLE = {
    "purchase_order": "its sample has lines (NOT NULL order_id); an order is cancelled, "
    "never erased",
}


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__tablename__)
def test_a_hard_delete_is_an_event(app_ctx, model):
    """Erasing a row through the session (a merge's duplicate link, a purge) writes a
    `purge` event naming it, in the same transaction."""
    table = model.__tablename__
    if table in NOT_ERASABLE:
        pytest.skip(NOT_ERASABLE[table])
    obj = sample(table).make()
    entity_id = obj.id
    db.session.delete(obj)
    db.session.flush()
    purged = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == table,
            AuditEvent.entity_id == entity_id,
            AuditEvent.action == "purge",
        )
    ).all()
    assert len(purged) == 1, f"{table}: erasing a row wrote {len(purged)} purge events"


# --- each check catches its escape --------------------------------------------------------


class Scratch(DeclarativeBase):
    """Throwaway models: a registry and metadata of their own, never db.Model's."""


class Visit(Scratch):
    """An editable model someone forgot to version."""

    __tablename__ = "scratch_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(40))


class VersionedVisit(VersionedMixin, Scratch):
    __tablename__ = "scratch_versioned_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(40))


def _classified(*declarations: Audited) -> Classification:
    return collect([*FEATURE_LIST, Feature("scratch", audited=declarations)])


def test_the_classification_check_catches_an_undeclared_model_or_column():
    (problem,) = classification_problems(Visit, CLASSIFICATION)
    assert "scratch_visit: classified nowhere" in problem

    half = _classified(Audited(Visit, "Visite", {}))
    assert classification_problems(Visit, half) == ["scratch_visit.place: not classified "
                                                    "(feature scratch)"]  # fmt: skip
    whole = _classified(Audited(Visit, "Visite", {"place": (ORD, "Lieu")}))
    assert classification_problems(Visit, whole) == []


def test_the_version_check_catches_an_unversioned_editable_model():
    classes = _classified(
        Audited(Visit, "Visite", {"place": (ORD, "Lieu")}),
        Audited(VersionedVisit, "Visite", {"place": (ORD, "Lieu")}),
    )
    (problem,) = version_problems(Visit, classes)
    assert "scratch_visit: audited but has no version counter" in problem
    assert version_problems(VersionedVisit, classes) == []
    APPEND_ONLY["scratch_versioned_visit"] = "stale entry"
    try:
        assert version_problems(VersionedVisit, classes) == [
            "scratch_versioned_visit: versioned, remove it from APPEND_ONLY"
        ]
    finally:
        del APPEND_ONLY["scratch_versioned_visit"]


def test_an_audited_model_without_a_sample_fails_the_change_checks():
    with pytest.raises(pytest.fail.Exception, match="'scratch_visit' is audited but has no"):
        sample("scratch_visit")


def test_an_unclassified_model_cannot_be_written_at_all(app_ctx):
    """The flush listener refuses a change it could not classify: no change escapes the
    trail, even before the tests above name the model."""
    connection = db.session.connection()
    Visit.__table__.create(connection)  # rolled back with the test
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    refused = pytest.raises(UnclassifiedColumn, match="scratch_visit.id is not classified")
    with refused, db.session.begin_nested():
        db.session.add(Visit(place="Firminy"))
        db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__tablename__)
def test_a_delete_statement_is_an_event_per_row(app_ctx, model):
    """A DELETE run through the session, which no flush sees (an order's lines when its
    lot changes), writes a `purge` event per row it removes."""
    from sqlalchemy import delete

    table = model.__tablename__
    if table in NOT_ERASABLE:
        pytest.skip(NOT_ERASABLE[table])
    entity_id = sample(table).make().id
    db.session.expunge_all()
    db.session.execute(delete(model).where(model.id == entity_id))
    purged = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == table,
            AuditEvent.entity_id == entity_id,
            AuditEvent.action == "purge",
        )
    ).all()
    assert len(purged) == 1, f"{table}: a DELETE statement wrote {len(purged)} purge events"
