"""Imports every model so the metadata (and Alembic) knows all tables."""

from capintra.admin.models import Operation  # noqa: F401
from capintra.audit.models import AuditEvent  # noqa: F401
from capintra.auth.models import User, WebSession  # noqa: F401
from capintra.documents.models import Document  # noqa: F401
from capintra.households.models import (  # noqa: F401
    Household,
    HouseholdSearchTerm,
    Letter,
    Member,
    Note,
    PhaseChange,
    Task,
)
