"""The audit trail: one event per change of any model, in the same transaction, with
old → new values for ordinary columns only; explicit events for accounts; confidential
events for admins only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import JSON, Date, DateTime, Enum, Integer, String, func, select

from capintra import FEATURES
from capintra.audit.classification import collect
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.features import Kind, load
from capintra.models import SoftDeleteMixin
from tests import factories
from tests.conftest import login
from tests.model_samples import SAMPLES

DECLARED = [model for feature in load(FEATURES) for model in feature.models]  # every model

#: The features' audit declarations (Feature.audited, not_audited, actions), merged.
CLASSIFICATION = collect(load(FEATURES))
NOT_AUDITED = CLASSIFICATION.not_audited

AUDITED = sorted(
    {
        mapper.local_table.name: mapper.class_
        for mapper in db.Model.registry.mappers
        if mapper.local_table.name not in NOT_AUDITED
    }.items()
)


def events(entity_type=None, entity_id=None, action=None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def sample(table: str):
    if table not in SAMPLES:
        pytest.fail(
            f"model {table!r} is audited but has no sample: add "
            f"{table!r}: Sample(make=…, change=…) to SAMPLES in tests/<feature>/model_samples.py",
            pytrace=False,
        )
    return SAMPLES[table]


def columns_of(table: str, kinds: set[Kind]):
    model = dict(AUDITED)[table]
    return [
        column
        for column in model.__table__.columns
        if CLASSIFICATION.kind_of(table, column.name) in kinds
        and not CLASSIFICATION.is_silent(table, column.name)
    ]


# --- classification ------------------------------------------------------------------


def test_every_table_and_column_is_classified():
    problems = []
    tables = CLASSIFICATION.tables
    for table in db.metadata.sorted_tables:
        if table.name in NOT_AUDITED:
            continue
        if table.name not in tables:
            problems.append(
                f"table {table.name}: no Audited({table.name}'s model, …) in its feature's "
                "`audited` (nor in `not_audited`)"
            )
            continue
        actual, classified = set(table.columns.keys()), set(tables[table.name].kinds)
        feature = tables[table.name].feature
        problems += [
            f"{table.name}.{c} not classified (feature {feature})"
            for c in sorted(actual - classified)
        ]
        problems += [
            f"{table.name}.{c} classified by {feature}, no such column"
            for c in sorted(classified - actual)
        ]
    problems += [f"Audited names unknown table {t}" for t in set(tables) - set(db.metadata.tables)]
    assert not problems, (
        "the audit classification (Feature.audited, capintra/<feature>/classification.py):\n"
        + "\n".join(problems)
    )


def test_only_bookkeeping_tables_escape_the_audit():
    not_audited = CLASSIFICATION.not_audited
    # …and the notifications: messages about changes the trail already records (an
    # order approved, a task due), whose only change of their own is being read; and the
    # orders' number counter, whose number is in the approval's event.
    # And SQLite's switch that opens the trail to its two maintenance commands (always
    # empty outside their transaction: capintra/audit/maintenance.py).
    assert not_audited == {"audit_event", "web_session", "household_search_term", "notification",
                           "purchase_order_counter", "audit_maintenance"}  # fmt: skip


# --- one event per change, for every model ---------------------------------------------


@pytest.mark.parametrize("table", [t for t, _ in AUDITED])
def test_one_event_per_insert_update_and_soft_delete(app_ctx, table):
    spec = sample(table)
    before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    obj = spec.make()
    created = events(table, obj.id)
    assert [e.action for e in created] == ["create"], created

    spec.change(obj)
    db.session.commit()
    updated = events(table, obj.id)[1:]
    assert [e.action for e in updated] == ["update"], "one event for one edit"
    assert updated[0].changes, "the event names what changed"

    db.session.commit()  # nothing changed: no event
    assert len(events(table, obj.id)) == 2

    if isinstance(obj, SoftDeleteMixin):
        obj.soft_delete()
        db.session.commit()
        deleted = events(table, obj.id)[2:]
        assert [e.action for e in deleted] == ["delete"]
        assert deleted[0].changes["deleted_at"][0] is None
    new = select(AuditEvent).where(AuditEvent.id > before, AuditEvent.entity_type == table)
    assert all(e.entity_id is not None for e in db.session.scalars(new))


def test_rolled_back_change_leaves_no_event(app_ctx):
    user = factories.user("officer")
    count = len(events("user_account", user.id))
    user.full_name = "Autre Nom"
    db.session.flush()
    db.session.rollback()
    assert len(events("user_account", user.id)) == count


def _marker(column, n: int):
    """A value no other field holds, of the column's type (None: cannot be marked)."""
    if isinstance(column.type, Enum):
        return None
    if isinstance(column.type, String):
        length = column.type.length or 64
        return f"PII{n:03d}zq{column.name}"[:length]
    if isinstance(column.type, DateTime):
        return dt.datetime(1901, 2, n % 28 + 1, 3, 4, 5, tzinfo=dt.UTC)
    if isinstance(column.type, Date):
        return dt.date(1901, 2, n % 28 + 1)
    if isinstance(column.type, Integer) and not column.foreign_keys:
        return 987_650_000 + n
    if isinstance(column.type, JSON):
        return [f"PII{n:03d}zq{column.name}"]
    return None


def _needles(value) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value) >= 4 else []
    if isinstance(value, dt.datetime | dt.date):
        return [value.isoformat()[:10]]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
        return [str(value)]
    if isinstance(value, list):
        return [n for v in value for n in _needles(v)]
    return []


@pytest.mark.parametrize("table", [t for t, _ in AUDITED])
def test_no_personal_value_in_any_event(app_ctx, table):
    spec = sample(table)
    obj = spec.make()
    private = columns_of(table, {Kind.PERSONAL, Kind.SENSITIVE})
    needles = [
        n for c in private if not isinstance(c.type, Enum) for n in _needles(getattr(obj, c.key))
    ]
    marked = {}
    for n, column in enumerate(private):
        value = _marker(column, n)
        if value is not None and (isinstance(value, str) or not column.unique):
            setattr(obj, column.key, value)
            marked[column.name] = value
            needles += _needles(value)
    db.session.commit()
    spec.change(obj)
    db.session.commit()

    trail = events(table, obj.id)
    text = json.dumps([e.changes for e in trail], default=str)
    leaked = [n for n in needles if n in text]
    assert not leaked, f"{table}: personal values in audit events: {leaked}"
    if marked:
        update = next(e for e in trail if e.action == "update" and set(marked) & set(e.changes))
        for name in marked:
            assert update.changes.get(name, "absent") is None, (
                f"{table}.{name}: the event must name the field without its values"
            )
    ordinary = [e for e in trail if e.action == "update" and e.changes]
    assert any(isinstance(v, list) and len(v) == 2 for e in ordinary for v in e.changes.values())


# --- explicit events --------------------------------------------------------------------


def _actions(user_id=None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    return list(db.session.scalars(query))


def test_login_failed_login_and_logout_are_recorded(client, make):
    user = make.user("officer")
    from tests.auth.test_login import WRONG, attempt

    attempt(client, user.username, WRONG)
    attempt(client, "nobody.at.all", WRONG)
    browser = login(client, user)
    browser.post("/logout")
    failed = events(action="login_failed")
    assert [(e.entity_type, e.entity_id) for e in failed] == [
        ("user_account", user.id),
        ("user_account", None),
    ]
    assert "nobody.at.all" not in json.dumps([e.changes for e in failed])
    (signed_in,) = events(action="login")
    (signed_out,) = events(action="logout")
    for event in (signed_in, signed_out):
        assert (event.user_id, event.entity_id, event.ip) == (user.id, user.id, "127.0.0.1")


CREATED_USER_FIELDS = sorted(
    [
        "id",
        "created_at",
        "username",
        "full_name",
        "role",
        "is_admin",
        "active",
        "password_hash",
        "must_change_password",
        "email",
    ]
)


def test_account_changes_are_recorded_with_their_author(client, make):
    admin_user = make.user("admin")
    target = make.user("officer")
    admin = login(client, admin_user)
    temporary = "mot de passe provisoire 42"
    admin.post(
        "/admin/users/new",
        {
            "username": "nouvelle.personne",
            "full_name": "Nouvelle Personne",
            "role": "assistant",
            "password": temporary,
        },
    )
    admin.post(f"/admin/users/{target.id}/password", {"password": temporary, "version": 1})
    db.session.expire_all()
    admin.post(
        f"/admin/users/{target.id}/deactivate", {"version": target.version, "confirmed": "1"}
    )
    db.session.expire_all()
    admin.post(f"/admin/users/{target.id}/reactivate", {"version": target.version})
    db.session.expire_all()
    admin.post(f"/admin/users/{target.id}/unlock", {"version": target.version})

    mine = [e for e in events() if e.user_id == admin_user.id and e.action != "login"]
    summary = [(e.action, e.entity_id == target.id, sorted(e.changes or {})) for e in mine]
    assert summary == [
        ("create", False, CREATED_USER_FIELDS),
        ("update", True, ["must_change_password", "password_hash"]),
        ("password_reset", True, []),
        ("update", True, ["active"]),
        ("update", True, ["active"]),
        ("account_unlocked", True, []),
    ]
    created = mine[0]
    assert created.entity_type == "user_account"
    assert created.changes["username"] is None and created.changes["password_hash"] is None
    assert created.changes["role"] == [None, "assistant"]
    assert all(e.ip == "127.0.0.1" for e in mine)


def test_password_change_is_recorded(login_as):
    browser = login_as("officer")
    new = "une phrase de passe toute neuve"
    browser.post(
        "/account/password",
        {"current_password": factories.PASSWORD, "new_password": new, "confirm": new},
    )
    assert "password_changed" in _actions(browser.user.id)


def test_refused_change_leaves_no_event(client, make):
    """The last admin cannot demote themself: 409, and nothing recorded."""
    admin_user = make.user("admin")
    admin = login(client, admin_user)
    before = len(events("user_account", admin_user.id))
    response = admin.post(
        f"/admin/users/{admin_user.id}/edit",
        {"full_name": "X", "role": "manager", "version": admin_user.version},
    )
    assert response.status_code == 409
    assert len(events("user_account", admin_user.id)) == before


# --- who reads the trail ----------------------------------------------------------------


def test_confidential_events_are_for_admins_only(client, make):
    from capintra.audit.service import record_event

    record_event("note_read", entity_type="note", entity_id=424242, confidential=True)
    record_event("household_opened", entity_type="household", entity_id=737373)
    db.session.commit()

    manager = login(client, make.user("manager"))
    page = manager.get("/audit/").get_data(as_text=True)
    assert "737373" in page
    assert "424242" not in page and "note_read" not in page
    manager.post("/logout")

    admin = login(client, make.user("admin"))
    page = admin.get("/audit/").get_data(as_text=True)
    assert "424242" in page and "737373" in page


#: Words that, in a column name, say it may hold personal data (DESIGN §5, RGPD).
PERSONAL_HINTS = (
    "name",
    "email",
    "mail",
    "phone",
    "address",
    "birth",
    "password",
    "health",
    "body",
    "income",
    "resource",
    "iban",
    "comment",
    "contact",
    "vulnerab",
    "disab",
    "tax",
)
#: Columns whose name hints at personal data but that hold none (reviewed one by one).
ORDINARY_DESPITE_NAME = {
    ("operation", "name"),
    ("user_account", "must_change_password"),
    ("document", "storage_name"),  # generated, never the uploaded file's name
    # a legal person's name and seat, public in the SIRENE register
    ("organisation", "name"),
    ("organisation", "address"),
    ("organisation", "name_key"),  # the name above, normalised
    # the developer's own name and seat, printed on every order
    ("order_issuer", "name"),
    ("order_issuer", "address"),
}


def test_columns_named_like_personal_data_are_not_ordinary():
    suspicious = [
        f"{table}.{column}"
        for table, declared in CLASSIFICATION.tables.items()
        for column, kind in declared.kinds.items()
        if kind is Kind.ORDINARY
        and any(hint in column for hint in PERSONAL_HINTS)
        and (table, column) not in ORDINARY_DESPITE_NAME
    ]
    assert not suspicious, (
        "classified ordinary (values kept in the audit trail) but named like personal data: "
        f"{suspicious}. Classify them personal/sensitive in their feature's Audited(...) "
        "(capintra/<feature>/classification.py), "
        "or, if they really hold none, add them to ORDINARY_DESPITE_NAME here."
    )


def test_every_model_is_declared_by_exactly_one_feature():
    """Alembic and this classification check find models through the features."""
    mapped = {mapper.class_ for mapper in db.Model.registry.mappers}
    assert sorted(m.__name__ for m in mapped) == sorted(m.__name__ for m in DECLARED)


def test_the_classification_is_merged_once_per_application(app_ctx):
    from capintra.audit.classification import classification

    assert classification() is classification()
    assert classification().tables.keys() == CLASSIFICATION.tables.keys()


def test_two_features_cannot_declare_one_table_or_label_one_action_twice():
    from capintra.features import Audited, Feature

    user_model = dict(AUDITED)["user_account"]
    twice = Audited(user_model, "Compte", {})
    with pytest.raises(ValueError, match="user_account declared by a and b"):
        collect([Feature("a", audited=(twice,)), Feature("b", audited=(twice,))])
    with pytest.raises(ValueError, match="'split' has two labels"):
        collect([Feature("a", actions={"split": "Un"}), Feature("b", actions={"split": "Deux"})])
