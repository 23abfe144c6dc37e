"""The household file's page and its tabs (capintra.web.pages), declared in feature.py."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from typing import Any

from flask import g, request, session
from flask_babel import gettext as _
from flask_login import current_user

from capintra import clock
from capintra.audit.labels import history_context
from capintra.audit.queries import sees_confidential
from capintra.audit.service import record_bulk, record_event
from capintra.confidentiality import may_read_field, user_may_see_confidential
from capintra.documents import queries as documents
from capintra.documents.forms import upload_form
from capintra.documents.models import Document
from capintra.households import queries, services
from capintra.households.archive import evidence_readable
from capintra.households.forms import PhaseForm, SplitForm
from capintra.households.items import item_form
from capintra.households.models import Household, HouseholdPartner, Letter, Note, Phase, Task
from capintra.housing import housing_costs_of
from capintra.models import utcnow
from capintra.security import can
from capintra.text import lazy_gettext as _l
from capintra.text import ngettext
from capintra.web.forms import DeleteForm
from capintra.web.pages import RecordPage, Tab, TabState, audited_read, paged

#: Going from tab to tab of the same file within this time is one opening, not several.
REOPEN_AFTER = timedelta(minutes=10)


_OPENING_DUE = "capintra_opening_due"


def opening_due(view_args: dict) -> bool:
    """Whether this request records the opening of the file its URL names: not when
    this session opened the same file less than REOPEN_AFTER ago. Decided once per
    request: before the view (to take the write lock only then, capintra.database.
    writes) and by the view, alike."""
    household_id = view_args.get("household_id")
    decided = g.get(_OPENING_DUE)
    if decided is not None and decided[0] == household_id:
        return decided[1]
    due = True
    last = session.get("last_opened")
    if last and last[0] == household_id:
        with contextlib.suppress(TypeError, ValueError):  # a value not written here
            due = utcnow() - datetime.fromisoformat(last[1]) >= REOPEN_AFTER
    setattr(g, _OPENING_DUE, (household_id, due))
    return due


def record_opening(household: Household) -> None:
    """Every consultation of a file is an audit event, whatever the request's headers
    say; tab after tab of the file this session just opened counts once."""
    if not opening_due({"household_id": household.id}):
        return
    record_event("open", household)
    session["last_opened"] = [household.id, utcnow().isoformat()]
    audited_read()


def _file_context(household: Household, state: TabState) -> dict:
    """What every tab of the file reads."""
    return {"today": services.today(), "delete_form": DeleteForm(formdata=None)}


PAGE = RecordPage(
    name="household",
    model=Household,
    endpoint="households.detail",
    url="/households/<int:household_id>",
    template="households/detail.html",
    capability="household.view",
    load=queries.get_household_or_404,
    on_show=record_opening,
    writes_when=opening_due,
    context=_file_context,
)


def phase_form(household: Household, formdata: Any = None) -> PhaseForm:
    """The phase form. Shown (no formdata): the other phases, the next one forward
    selected; backward moves stay offered, marked (they need a reason); from the last
    phase nothing is selected."""
    form = PhaseForm(formdata=formdata)
    if formdata is None:
        form.version.data = household.version
        current = household.phase
        form.to_phase.choices = [
            (
                p.value,
                _("%(phase)s (retour, motif requis)", phase=p.label)
                if p.rank < current.rank
                else p.label,
            )
            for p in Phase
            if p is not current
        ]
        forward = [p for p in Phase if p.rank == current.rank + 1]
        if forward:
            form.to_phase.data = forward[0]
        else:
            form.to_phase.choices.insert(0, ("", "—"))
    return form


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_label(birth: date | None, today: date) -> str:
    """« 34 ans », « 1 an », « moins d’un an »; "" without a birth date."""
    age = age_on(birth, today)
    if age is None:
        return ""
    if age < 1:
        return _("moins d’un an")
    return ngettext("%(num)d an", "%(num)d ans", age)


def time_since(since: date, today: date) -> str:
    """« depuis 12 jours », « depuis 3 mois », « depuis 2 ans » (whole units, rounded
    down: days under 45 days, months under two years)."""
    days = (today - since).days
    if days < 1:
        return _("depuis aujourd’hui")
    if days < 45:
        return ngettext("depuis %(num)d jour", "depuis %(num)d jours", days)
    months = (today.year - since.year) * 12 + today.month - since.month
    months -= today.day < since.day
    if months < 24:
        return ngettext("depuis %(num)d mois", "depuis %(num)d mois", months)
    return ngettext("depuis %(num)d an", "depuis %(num)d ans", months // 12)


def _last_contact(seen: queries.Glance) -> tuple[date, str] | None:
    """The latest note or letter (the later date; a note on the same day)."""
    found = []
    if seen.last_note:
        note_date, kind = seen.last_note
        found.append((note_date, 1, str(kind.label)))
    if seen.last_letter:
        letter_date, direction, channel = seen.last_letter
        label = _(
            "Courrier %(direction)s (%(channel)s)",
            direction=str(direction.label).lower(),
            channel=channel.label,
        )
        found.append((letter_date, 0, label))
    if not found:
        return None
    when, _rank, label = max(found)
    return when, label


def _summary(household: Household, state: TabState) -> dict:
    today = services.today()
    members = queries.members_of(household)
    seen = queries.glance(household)
    since = seen.phase_since or household.created_at
    ctx = {
        "children": seen.children,
        "members": members,
        "present": [(m, age_label(m.birth_date, today)) for m in members if m.left_at is None],
        "last_contact": _last_contact(seen),
        "next_task": seen.next_task,
        "phase_since": time_since(since.astimezone(clock.PARIS).date(), today),
        "partners": seen.partners,
        "sees_partners": user_may_see_confidential(current_user, HouseholdPartner),
    }
    if may_read_field(household, "remaining_charge_cents"):
        costs = housing_costs_of(household.id, today)
        ctx["costs"] = costs
        ctx["effort_rate"] = costs.effort_rate(household.monthly_resources_cents) if costs else None
    if can("household.social"):
        ctx["phase_form"] = state.extra.get("phase_form") or phase_form(household)
    return ctx


def _items_tab(kind: str, items_of, **extra):
    """A tab listing one kind of inline item, with its add form."""

    def context(household: Household, state: TabState) -> dict:
        state.add_form = state.add_form or item_form(kind, None)
        return {"items": items_of(household), **{k: v() for k, v in extra.items()}}

    return context


def _paged_tab(kind: str, page_of, model):
    """A tab listing a growing kind of inline item, a page at a time, with its add form."""

    def context(household: Household, state: TabState) -> dict:
        state.add_form = state.add_form or item_form(kind, None)
        return {"items": paged(page_of, household, state, model)}

    return context


def _journal(household: Household, state: TabState) -> dict:
    items = paged(queries.notes_page, household, state, Note)
    state.add_form = state.add_form or item_form("notes", None)
    if request.method == "GET":  # a page showing notes; not the tab redrawn after a save
        _record_confidential_reads([n for n in items if n.confidential])
    return {"items": items}


def _record_confidential_reads(notes: list[Note]) -> None:
    """Every read of a confidential note is an audit event: one INSERT for them all,
    committed once the page is rendered, so no note is reloaded row by row."""
    if notes:
        record_bulk("read_confidential", notes)
        audited_read()


def _documents(household: Household, state: TabState) -> dict:
    state.add_form = state.add_form or upload_form(formdata=None)
    # Once the diagnostic is over (DESIGN §5: supporting documents deleted once used),
    # every one still stored, whatever page of the list is shown.
    used = household.phase.supporting_documents_used
    return {
        "items": paged(documents.documents_page, household, state, Document),
        "awaiting_deletion": documents.awaiting_deletion_of(household) if used else [],
    }


def _history(household: Household, state: TabState) -> dict:
    """Who changed what and when; for officers and admins, who opened the file too."""
    return {
        **history_context(queries.history_of(household, after=request.args.get("after"))),
        # A file moves through a handful of phases: not paged.
        "phase_changes": queries.phase_changes_of(household),
        "consultations": (
            queries.consultations_of(household, after=request.args.get("consulted_after"))
            if sees_confidential()
            else None
        ),
    }


def _tab(name: str, label, order: int, context=None, **options) -> Tab:
    return Tab("household", name, label, order, f"households/tabs/{name}.html", context, **options)


TABS = (
    _tab("summary", _l("Synthèse"), 0, _summary, first=True),
    _tab(
        "members", _l("Composition familiale"), 10,
        _items_tab("members", queries.members_of, split_form=lambda: SplitForm(formdata=None)),
    ),
    _tab(
        "letters", _l("Courriers"), 30, _paged_tab("letters", queries.letters_page, Letter),
        visible=evidence_readable,
    ),
    _tab("journal", _l("Journal"), 40, _journal, records_reads=True),
    _tab("documents", _l("Pièces jointes"), 50, _documents),
    _tab("tasks", _l("Tâches"), 80, _paged_tab("tasks", queries.tasks_page, Task)),
    _tab("history", _l("Historique"), 90, _history),
)  # fmt: skip
