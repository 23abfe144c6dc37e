"""organisations directory of its own; a household's partners from it

The household's free-text `partners` becomes links to the organisations directory
(`household_partner`), nothing lost:

- the text is split on `,` `;` `/` and line breaks; each piece, trimmed, is matched to a
  live organisation by normalised name (lower case, no accents or punctuation: the rule
  of capintra.text.normalise, copied below so that this revision keeps its meaning when
  the application's code changes); a piece matching none creates one, of kind `autre`
  (one per name, however many households name it);
- a piece is *not* read as an organisation when it cannot be unambiguously: the split cut
  a bracket in two (« CCAS (Mme Martin, AS) »), it matches several organisations, it
  carries contact details (an @, a run of digits, a colon), it joins names (« et », « & »,
  « + ») or it is too long for a name. Then the household's whole original text is kept
  in the new `partners_note` column (« Intervenants : précisions »), as typed, beside the
  links of the pieces that could be read. A note in the journal was the other candidate
  and was refused: notes are read by managers (or, confidential, by officers only),
  while the partners are for assistants and officers (DESIGN §1); the kept column is
  restricted like the old one and editable, so staff can tidy it up.

Downgrade restores `partners` as text: the kept original when there is one (with the
names of organisations linked since, if it does not name them), else the linked
organisations' names joined by « , » — cut at the old column's 500 characters. The
organisations created by the upgrade stay in the directory (buildings may point to them
by then).

Also: `organisation.name_key` (the normalised name, what the directory's search and the
matching read) and `organisation.merged_into_id` (a merged duplicate remembers the
organisation kept). Downgrade leaves `household.partners` with an empty default in the
schema (the text is restored; the value every insert gives anyway).

Revision ID: c97bc511655f
Revises: 4f2b59eabcac
Create Date: 2026-12-02 12:35:26.465320

"""
import re
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import capintra.models

# revision identifiers, used by Alembic.
revision = 'c97bc511655f'
down_revision = '4f2b59eabcac'
branch_labels = None
depends_on = None

# --- the rule of capintra.text.normalise at this revision ---------------------------------

_NON_WORD = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ı": "i", "İ": "i", "ø": "o",
     "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d"}
)


def normalise(text):
    if not text:
        return ""
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", stripped).strip()


def name_key(name):
    return normalise(name)[:200]


# --- splitting the old text ---------------------------------------------------------------

SEPARATORS = re.compile(r"[,;/\n\r]+")
#: What a bare organisation name does not hold: contact details, several names joined.
NOT_A_NAME = re.compile(r"@|:|\d{4,}|\s(et|&|\+)\s", re.IGNORECASE)
MAX_NAME = 100


def read_partners(text):
    """(names, ambiguous): the pieces read as organisation names, and whether some of
    the text could not be (see the module's docstring)."""
    names, ambiguous = [], False
    for piece in SEPARATORS.split(text or ""):
        piece = piece.strip(" \t-–—·.")
        if not piece:
            continue
        if (
            piece.count("(") != piece.count(")")
            or NOT_A_NAME.search(piece)
            or len(piece) > MAX_NAME
            or not normalise(piece)
        ):
            ambiguous = True
            continue
        names.append(piece)
    return names, ambiguous


# --- lightweight tables -------------------------------------------------------------------

organisation = sa.Table(  # a Table, not sa.table: an insert gives back the new id
    "organisation",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String),
    sa.Column("name_key", sa.String),
    sa.Column("kind", sa.String),
    sa.Column("address", sa.String),
    sa.Column("contact", sa.String),
    sa.Column("siret", sa.String),
    sa.Column("version", sa.Integer),
    sa.Column("created_at", capintra.models.UTCDateTime(timezone=True)),
    sa.Column("updated_at", capintra.models.UTCDateTime(timezone=True)),
    sa.Column("deleted_at", capintra.models.UTCDateTime(timezone=True)),
)
household = sa.table(
    "household",
    sa.column("id", sa.Integer),
    sa.column("partners", sa.String),
    sa.column("partners_note", sa.String),
)
household_partner = sa.table(
    "household_partner",
    sa.column("household_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("created_at", capintra.models.UTCDateTime(timezone=True)),
    sa.column("updated_at", capintra.models.UTCDateTime(timezone=True)),
    sa.column("deleted_at", capintra.models.UTCDateTime(timezone=True)),
)


def carry_partners_over(conn):
    """The old text → links, and the original kept where it could not all be read."""
    now = datetime.now(UTC)
    for org_id, name in conn.execute(sa.select(organisation.c.id, organisation.c.name)):
        conn.execute(
            organisation.update().where(organisation.c.id == org_id).values(name_key=name_key(name))
        )
    by_key = {}
    for org_id, key in conn.execute(
        sa.select(organisation.c.id, organisation.c.name_key)
        .where(organisation.c.deleted_at.is_(None))
        .order_by(organisation.c.id)
    ):
        by_key.setdefault(key, []).append(org_id)

    rows = conn.execute(
        sa.select(household.c.id, household.c.partners)
        .where(household.c.partners != "")
        .order_by(household.c.id)
    ).all()
    links = []
    for household_id, text in rows:
        names, ambiguous = read_partners(text)
        chosen = []
        for name in names:
            found = by_key.get(name_key(name))
            if found is None:
                new_id = conn.execute(
                    organisation.insert().values(
                        name=name[:200], name_key=name_key(name), kind="autre", address="",
                        contact="", siret="", version=1, created_at=now, updated_at=now,
                        deleted_at=None,
                    )
                ).inserted_primary_key[0]
                found = by_key[name_key(name)] = [new_id]
            if len(found) > 1:  # two organisations of that name: not ours to choose
                ambiguous = True
                continue
            if found[0] not in chosen:
                chosen.append(found[0])
        links.extend(
            {"household_id": household_id, "organisation_id": org_id, "version": 1,
             "created_at": now, "updated_at": now, "deleted_at": None}
            for org_id in chosen
        )
        if ambiguous:
            conn.execute(
                household.update().where(household.c.id == household_id)
                .values(partners_note=text)
            )
    if links:
        conn.execute(household_partner.insert(), links)


def upgrade():
    # No batch (table copy) on SQLite: with foreign keys on, dropping the old household
    # or organisation table fails as soon as rows point to it. Added columns carry their
    # default in the schema (server_default, in the models too), the old column is
    # dropped in place (SQLite 3.35 and later).
    op.add_column('organisation', sa.Column('name_key', sa.String(length=200), nullable=False, server_default=sa.text("''")))
    op.add_column('organisation', sa.Column('merged_into_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_organisation_name_key'), 'organisation', ['name_key'], unique=False)

    op.create_table('household_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_partner_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_household_partner_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_partner')),
    sa.UniqueConstraint('household_id', 'organisation_id', name=op.f('uq_household_partner_household_id_organisation_id'))
    )
    op.create_index(op.f('ix_household_partner_organisation_id'), 'household_partner', ['organisation_id'], unique=False)

    op.add_column('household', sa.Column('partners_note', sa.String(length=500), nullable=False, server_default=sa.text("''")))

    carry_partners_over(op.get_bind())

    op.drop_column('household', 'partners')


def restore_partners_text(conn):
    names = {}
    for household_id, name in conn.execute(
        sa.select(household_partner.c.household_id, organisation.c.name)
        .join(organisation, organisation.c.id == household_partner.c.organisation_id)
        .where(household_partner.c.deleted_at.is_(None))
        .order_by(household_partner.c.household_id, organisation.c.name_key, organisation.c.id)
    ):
        names.setdefault(household_id, []).append(name)
    notes = dict(
        conn.execute(
            sa.select(household.c.id, household.c.partners_note).where(household.c.partners_note != "")
        ).all()
    )
    for household_id in sorted(names.keys() | notes.keys()):
        note = notes.get(household_id, "")
        linked = names.get(household_id, [])
        missing = [n for n in linked if normalise(n) not in normalise(note)]
        text = "; ".join(part for part in (note, ", ".join(missing)) if part)
        conn.execute(
            household.update().where(household.c.id == household_id).values(partners=text[:500])
        )


def downgrade():
    op.add_column('household', sa.Column('partners', sa.VARCHAR(length=500), nullable=False, server_default=sa.text("''")))

    restore_partners_text(op.get_bind())

    op.drop_column('household', 'partners_note')
    op.drop_index(op.f('ix_household_partner_organisation_id'), table_name='household_partner')
    op.drop_table('household_partner')
    op.drop_index(op.f('ix_organisation_name_key'), table_name='organisation')
    op.drop_column('organisation', 'merged_into_id')
    op.drop_column('organisation', 'name_key')
