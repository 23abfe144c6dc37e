"""audit trail append-only: triggers refuse UPDATE and DELETE

Revision ID: 9d24885d3b73
Revises: 0b7abd9bad73
Create Date: 2026-12-03 00:40:00

`audit_event` refuses every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) unless the
transaction opened it through capintra.audit.maintenance.audit_maintenance():
- PostgreSQL: a trigger reads the transaction-local setting `capintra.audit_maintenance`
  (`SET LOCAL … = 'on'`);
- SQLite: triggers check that the transaction holds a row of `audit_maintenance` (a
  table always empty outside such a transaction; SQLite has no session settings a
  trigger can read).

A later migration that rebuilds `audit_event` on SQLite (batch mode copies the table)
drops its triggers: it must create them again (SQLITE_TRIGGERS below).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9d24885d3b73"
down_revision = "0b7abd9bad73"
branch_labels = None
depends_on = None

POSTGRESQL_FUNCTION = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('capintra.audit_maintenance', true), '') = 'on' THEN
        IF TG_LEVEL = 'STATEMENT' THEN
            RETURN NULL;
        ELSIF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'only flask purge-access-log and the retention run may change it';
END
$$
"""

SQLITE_TRIGGERS = {
    operation: f"""
CREATE TRIGGER audit_event_no_{operation.lower()} BEFORE {operation} ON audit_event
WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance)
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only: {operation} refused');
END
"""
    for operation in ("UPDATE", "DELETE")
}


def upgrade():
    op.create_table(
        "audit_maintenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_maintenance")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        for operation in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER audit_event_no_{operation.lower()}")
    op.drop_table("audit_maintenance")
