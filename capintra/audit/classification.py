"""Every audited column, classified once: ordinary, personal or sensitive.

Audit events keep old → new values for ordinary columns only; for personal and
sensitive columns they keep the field name. A table or column missing here fails
tests/audit/test_classification.py, so a new model cannot slip through unclassified.
"""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    ORDINARY = "ordinary"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


ORD, PER, SEN = Kind.ORDINARY, Kind.PERSONAL, Kind.SENSITIVE

_COMMON = {"id": ORD, "version": ORD, "created_at": ORD, "updated_at": ORD}
_SOFT = {"deleted_at": ORD}

#: Tables that are not audited themselves: the trail, and the session store.
NOT_AUDITED = frozenset({"audit_event", "web_session", "alembic_version", "household_search_term"})

#: Bookkeeping columns whose change alone makes no event (explicit events cover them,
#: or they change with every edit).
SILENT = frozenset(
    {
        ("*", "version"),
        ("*", "updated_at"),
        ("user_account", "last_login_at"),
        ("user_account", "failed_logins"),
        ("user_account", "locked_until"),
        ("household", "sort_name"),
    }
)

COLUMNS: dict[str, dict[str, Kind]] = {
    "user_account": {
        **_COMMON,
        "username": PER,
        "full_name": PER,
        "email": PER,
        "role": ORD,
        "is_admin": ORD,
        "active": ORD,
        "password_hash": SEN,
        "must_change_password": ORD,
        "last_login_at": ORD,
        "failed_logins": ORD,
        "locked_until": ORD,
    },
    "operation": {
        **_COMMON,
        "name": ORD,
        "communes": ORD,
        "procedures": ORD,
        "concession_ref": ORD,
        "funders": ORD,
        "priority_area": ORD,
        "start_date": ORD,
        "end_date": ORD,
        "active": ORD,
    },
    "household": {
        **_COMMON,
        **_SOFT,
        "reference": ORD,
        "ref_year": ORD,
        "ref_number": ORD,
        "operation_id": ORD,
        "officer_id": ORD,
        "split_from_id": ORD,
        "name": PER,
        "sort_name": PER,
        "address": PER,
        "commune": ORD,
        "phone": PER,
        "email": PER,
        "preferred_language": PER,
        "years_in_home": PER,
        "privacy_notice_date": ORD,
        "phase": ORD,
        "outcome": ORD,
        "closed_at": ORD,
        "rehousing_right": ORD,
        "rehousing_basis": ORD,
        "rehousing_bearer": ORD,
        "monthly_resources_cents": PER,
        "tax_reference_income_cents": PER,
        "rent_cents": PER,
        "charges_cents": PER,
        "apl_cents": PER,
        "caf_number": PER,
        "other_benefits": PER,
        "arrears_cents": PER,
        "repayment_plan": PER,
        "fsl": PER,
        "ccapex_referral": PER,
        "numero_unique": PER,
        "numero_unique_renewal": ORD,
        "partners": PER,
        "needs_ground_floor": ORD,
        "needs_lift": ORD,
        "needs_adapted": ORD,
        "health_details": SEN,
        "vulnerability_details": SEN,
        "committee_flag": ORD,
        "committee_blocking_point": PER,
        "committee_decision": PER,
    },
    "member": {
        **_COMMON,
        **_SOFT,
        "household_id": ORD,
        "last_name": PER,
        "first_name": PER,
        "birth_date": PER,
        "relation": ORD,
        "lease_holder": ORD,
        "in_home_since": PER,
        "employment": PER,
        "disability_need": SEN,
        "left_at": ORD,
        "split_to_id": ORD,
    },
    "note": {
        **_COMMON,
        **_SOFT,
        "household_id": ORD,
        "kind": ORD,
        "note_date": ORD,
        "body": SEN,
        "author_id": ORD,
        "confidential": ORD,
    },
    "letter": {
        **_COMMON,
        **_SOFT,
        "household_id": ORD,
        "letter_date": ORD,
        "direction": ORD,
        "channel": ORD,
        "acknowledged_on": ORD,
        "subject": PER,
        "document_id": ORD,
    },
    "document": {
        **_COMMON,
        **_SOFT,
        "household_id": ORD,
        "kind": ORD,
        "title": PER,
        "confidential": ORD,
        "delete_after_use": ORD,
        "original_name": PER,
        "content_type": ORD,
        "size": ORD,
        "checksum": ORD,
        "storage_name": ORD,
        "uploaded_by_id": ORD,
        "purged_at": ORD,
    },
    "task": {
        **_COMMON,
        **_SOFT,
        "household_id": ORD,
        "kind": ORD,
        "title": PER,
        "due_date": ORD,
        "assignee_id": ORD,
        "done": ORD,
        "done_at": ORD,
    },
    "phase_change": {
        "id": ORD,
        "household_id": ORD,
        "from_phase": ORD,
        "to_phase": ORD,
        "outcome": ORD,
        "reason": PER,
        "at": ORD,
        "by_id": ORD,
    },
}


def kind_of(table: str, column: str) -> Kind:
    return COLUMNS[table][column]


def is_silent(table: str, column: str) -> bool:
    return ("*", column) in SILENT or (table, column) in SILENT
