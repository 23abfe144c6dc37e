"""The file's inline items (members, notes, letters, tasks): one declaration per kind,
read by the add, edit and delete views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from capintra.confidentiality import may_read_field
from capintra.households import queries, services
from capintra.households.forms import LetterForm, MemberForm, NoteForm, TaskForm
from capintra.households.models import Letter, Member, Note, Task
from capintra.security import can
from capintra.text import lazy_gettext as _l
from capintra.web.formatting import date_fr


def _member_form(form, item, posted: bool) -> None:
    for name in list(form._fields):  # the disability need: officers only
        if not may_read_field(Member, name):
            delattr(form, name)


def _note_form(form, item, posted: bool) -> None:
    if not can("household.confidential"):
        del form.shared
    elif item is not None and not posted:
        form.shared.data = not item.confidential
    if item is None and not posted:
        form.note_date.data = services.today()


def _letter_form(form, item, posted: bool) -> None:
    if item is None and not posted:
        form.letter_date.data = services.today()


def _task_form(form, item, posted: bool) -> None:
    people = queries.task_assignees()
    form.assignee_id.choices = [(None, "—")] + [(u.id, u.display_name) for u in people]
    if item is None and not posted:
        form.assignee_id.data = current_user.id


# What the confirmation page of a delete asks (without JavaScript), and its button (None:
# "Supprimer"); no-break spaces inside « » and before ?, as French typography wants.


def _member_question(item: Member) -> tuple[str, str | None]:
    return _("Retirer %(name)s du ménage\u00a0?", name=item.full_name), _("Retirer")


def _note_question(item: Note) -> tuple[str, str | None]:
    return _("Supprimer la note du %(d)s\u00a0?", d=date_fr(item.note_date)), None


def _letter_question(item: Letter) -> tuple[str, str | None]:
    question = _("Supprimer le courrier «\u00a0%(subject)s\u00a0» du %(d)s\u00a0?",
                 subject=item.subject, d=date_fr(item.letter_date))  # fmt: skip
    return question, None


def _task_question(item: Task) -> tuple[str, str | None]:
    return _("Supprimer la tâche «\u00a0%(title)s\u00a0»\u00a0?", title=item.title), None


@dataclass(frozen=True)
class ItemKind:
    model: type
    form: type
    #: the tab that lists them
    tab: str
    #: fills choices and defaults: (form, item or None, posted)
    prepare: Callable[[Any, Any, bool], None]
    #: copies the form's data with the kind's rules: (item, data, author)
    save: Callable[[Any, dict, Any], None]
    #: the question a delete asks without JavaScript, and its button label (or None)
    question: Callable[[Any], tuple[str, str | None]]
    #: flash messages after a plain (non-htmx) add, edit, delete
    created: Any
    updated: Any
    deleted: Any


ITEMS: dict[str, ItemKind] = {
    "members": ItemKind(
        Member, MemberForm, "members", _member_form, services.save_member, _member_question,
        _l("Membre ajouté."), _l("Membre modifié."), _l("Membre retiré."),
    ),
    "notes": ItemKind(
        Note, NoteForm, "journal", _note_form, services.save_note, _note_question,
        _l("Note ajoutée."), _l("Note modifiée."), _l("Note supprimée."),
    ),
    "letters": ItemKind(
        Letter, LetterForm, "letters", _letter_form, services.save_letter, _letter_question,
        _l("Courrier enregistré."), _l("Courrier modifié."), _l("Courrier supprimé."),
    ),
    "tasks": ItemKind(
        Task, TaskForm, "tasks", _task_form, services.save_task, _task_question,
        _l("Tâche ajoutée."), _l("Tâche modifiée."), _l("Tâche supprimée."),
    ),
}  # fmt: skip


def item_form(kind: str, item: Any, formdata: Any = None):
    """The add/edit form of an inline item, with choices and defaults filled in."""
    spec = ITEMS[kind]
    posted = formdata is not None
    # A posted form is read from the post alone: a field (the version!) missing from it
    # must not be filled in from the record.
    form = spec.form(formdata=formdata) if posted else spec.form(formdata=None, obj=item)
    if item is not None and not posted:
        form.version.data = item.version
    spec.prepare(form, item, posted)
    return form
