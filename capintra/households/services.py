"""Household rules: references, phases, confidentiality, splits, renewal tasks.

Plain functions that take objects, flush, and raise a DomainError when a rule
refuses; the view commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from capintra import clock
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.confidentiality import (
    confidential_by_default,
    user_may_read_field,
    user_may_see_confidential,
)
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdPartner,
    Letter,
    Member,
    Note,
    Outcome,
    Phase,
    PhaseChange,
    Relation,
    SafetyAlert,
    Task,
    TaskKind,
)
from capintra.models import utcnow
from capintra.organisations.models import Organisation
from capintra.security import Role, user_can
from capintra.signals import household_split

#: Fields that follow the social follow-up: officers only write them (DESIGN §1). Who
#: reads a field (health details, finances…) is declared in classification.py.
SOCIAL_FIELDS = frozenset(
    {"rehousing_right", "rehousing_basis", "rehousing_bearer", "officer_id", "committee_flag",
     "committee_blocking_point", "committee_decision"}
)  # fmt: skip

#: The safety alert: read by everyone who handles the file, written by officers only
#: (DESIGN §1); the reason behind it stays in the confidential fields.
ALERT_FIELDS = frozenset({"alert_codes", "alert_note"})

NUMERO_UNIQUE_NOTICE = timedelta(days=30)


def numero_unique_reminder(renewal: date) -> date:
    """The renewal task's due date, a month before the renewal (OverflowError before
    year 1: the form refuses such a renewal date, see HouseholdForm)."""
    return renewal - NUMERO_UNIQUE_NOTICE


def today() -> date:
    """Today in Europe/Paris: the date of a closing, a split, a new reference's year."""
    return clock.today()


# --- references -------------------------------------------------------------------------


def format_reference(year: int, number: int) -> str:
    return f"MEN-{year}-{number:04d}"


def next_reference_number(year: int) -> int:
    current = db.session.scalar(
        select(func.max(Household.ref_number)).where(Household.ref_year == year)
    )
    return (current or 0) + 1


def assign_reference(household: Household, year: int | None = None, attempts: int = 5) -> None:
    """Give a new household the next MEN-YYYY-NNNN (unique, not necessarily gapless).

    Two simultaneous creations may pick the same number: the unique constraint
    refuses the second, which retries with the next number inside a savepoint.
    """
    year = year or today().year
    for _attempt in range(attempts):
        number = next_reference_number(year)
        household.ref_year, household.ref_number = year, number
        household.reference = format_reference(year, number)
        try:
            with db.session.begin_nested():
                db.session.add(household)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise DomainError(_("Impossible d’attribuer une référence : réessayez."))


# --- creation and edition ----------------------------------------------------------------


def create_household(data: dict, author: User) -> Household:
    data = dict(data)
    partner_ids = data.pop("partner_ids", None)
    household = Household(phase=Phase.A_RENCONTRER)
    apply_household_data(household, data, author)
    if household.officer_id is None and author.role is Role.OFFICER:
        household.officer_id = author.id
    assign_reference(household)
    sync_numero_unique_task(household)
    if partner_ids is not None:
        set_partners(household, partner_ids, author)
    return household


def create_households(datas: list[dict], author: User) -> list[Household]:
    """Many new household files at once (the spreadsheet import): each as
    `create_household` makes one — phase « à rencontrer », the author as officer when
    they are one, the numéro unique's renewal task when a renewal date is given — with
    a contiguous block of references from `next_reference_number`, and one flush.

    The unique constraint on (ref_year, ref_number) stays the guard: a creation running
    at the same time that took one of the numbers makes the flush fail, and this raises
    a DomainError (« réessayez ») — the caller rolls the whole transaction back, nothing
    of it is kept."""
    if not datas:
        return []
    year = today().year
    first = next_reference_number(year)
    households = []
    for offset, data in enumerate(datas):
        data = dict(data)
        partner_ids = data.pop("partner_ids", None)
        household = Household(phase=Phase.A_RENCONTRER)
        apply_household_data(household, data, author)
        if household.officer_id is None and author.role is Role.OFFICER:
            household.officer_id = author.id
        number = first + offset
        household.ref_year, household.ref_number = year, number
        household.reference = format_reference(year, number)
        households.append((household, partner_ids))
    db.session.add_all([h for h, _partners in households])
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError(
            _(
                "Des numéros de dossier ont été pris par un autre enregistrement au même "
                "moment : rien n’a été écrit, réessayez."
            )
        ) from None
    for household, partner_ids in households:
        if household.numero_unique_renewal is not None:
            sync_numero_unique_task(household)  # a new file has no task to keep otherwise
        if partner_ids is not None:
            set_partners(household, partner_ids, author)
    return [h for h, _partners in households]


def apply_household_data(household: Household, data: dict, author: User) -> None:
    """Copy the form's fields the author may write onto the household: not those they
    may not read (capintra.confidentiality), nor the social follow-up unless officer."""
    officer = user_can(author, "household.social")
    for field, value in data.items():
        if (field in SOCIAL_FIELDS | ALERT_FIELDS and not officer) or not user_may_read_field(
            author, household, field
        ):
            continue
        if field == "alert_codes":
            value = [a.value for a in SafetyAlert if a.value in (value or ())]
        if field == "officer_id" and value is not None:
            assignee = db.session.get(User, value)
            if assignee is None or assignee.role is not Role.OFFICER or not assignee.active:
                raise DomainError(_("Le référent choisi n’est pas un(e) chargé(e) actif(ve)."))
        setattr(household, field, value)


def update_household(household: Household, data: dict, author: User) -> None:
    data = dict(data)
    partner_ids = data.pop("partner_ids", None)
    renewal_before = household.numero_unique_renewal
    officer_before = household.officer_id
    apply_household_data(household, data, author)
    if household.numero_unique_renewal != renewal_before or household.officer_id != officer_before:
        sync_numero_unique_task(household)
    if partner_ids is not None:
        set_partners(household, partner_ids, author)


def set_partners(household: Household, organisation_ids: list[int], author: User) -> None:
    """The organisations involved become exactly these: links added, removed ones
    soft-deleted, a link removed earlier restored. Nothing for an author who may not see
    the partners (managers): nobody writes what they could not read back. A chosen
    organisation merged or deleted meanwhile refuses the whole save."""
    if not user_may_see_confidential(author, HouseholdPartner):
        return
    wanted = set(organisation_ids)
    live = set(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(wanted), Organisation.deleted_at.is_(None)
            )
        )
    )
    if wanted - live:
        raise DomainError(
            _(
                "Un organisme choisi a été fusionné ou retiré de l’annuaire entre-temps : "
                "vérifiez les intervenants puis enregistrez à nouveau."
            ),
            household,
        )
    links = {
        link.organisation_id: link
        for link in db.session.scalars(
            select(HouseholdPartner).where(HouseholdPartner.household_id == household.id)
        )
    }
    for organisation_id in sorted(wanted):
        link = links.get(organisation_id)
        if link is None:
            db.session.add(
                HouseholdPartner(household_id=household.id, organisation_id=organisation_id)
            )
        elif link.is_deleted:
            link.deleted_at = None
    for organisation_id, link in links.items():
        if organisation_id not in wanted and not link.is_deleted:
            link.soft_delete()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same link added at the same moment by someone else
        raise DomainError(
            _("Les intervenants ont été modifiés entre-temps : rechargez le dossier."), household
        ) from None


def sync_numero_unique_task(household: Household) -> None:
    """Keep one open renewal task, due a month before the numéro unique's renewal date."""
    db.session.flush()
    task = db.session.scalar(
        select(Task).where(
            Task.household_id == household.id,
            Task.kind == TaskKind.NUMERO_UNIQUE,
            Task.done.is_(False),
            Task.deleted_at.is_(None),
        )
    )
    renewal = household.numero_unique_renewal
    if renewal is None:
        if task is not None:
            task.soft_delete()
        return
    due = numero_unique_reminder(renewal)
    if task is None:
        task = Task(household_id=household.id, kind=TaskKind.NUMERO_UNIQUE, done=False)
        db.session.add(task)
    task.title = _(
        "Renouveler le numéro unique (échéance le %(d)s)", d=renewal.strftime("%d/%m/%Y")
    )
    task.due_date = due
    task.assignee_id = household.officer_id
    db.session.flush()


# --- phase ----------------------------------------------------------------------------


def change_phase(
    household: Household,
    to_phase: Phase,
    author: User,
    *,
    reason: str = "",
    outcome: Outcome | None = None,
) -> PhaseChange:
    """Forward moves are free; a backward move needs a reason; closing needs an outcome.

    Reopening a closed file is a backward move: the outcome is cleared.
    """
    from_phase = household.phase
    reason = (reason or "").strip()
    if to_phase == from_phase:
        raise DomainError(
            _("Le dossier est déjà à l’étape « %(p)s ».", p=to_phase.label), household
        )
    backward = to_phase.rank < from_phase.rank
    if backward and not reason:
        raise DomainError(
            _("Un retour à une étape précédente demande un motif : indiquez-le."), household
        )
    if to_phase is Phase.CLOS and outcome is None:
        raise DomainError(_("Pour clore le dossier, indiquez son issue."), household)
    household.phase = to_phase
    if to_phase is Phase.CLOS:
        household.outcome = outcome
        household.closed_at = today()
    elif from_phase is Phase.CLOS:
        household.outcome = None
        household.closed_at = None
    change = PhaseChange(
        household_id=household.id,
        from_phase=from_phase,
        to_phase=to_phase,
        outcome=household.outcome,
        reason=reason,
        by_id=author.id,
        at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    return change


# --- notes ----------------------------------------------------------------------------


def _copy(item, data: dict) -> None:
    for name, value in data.items():
        setattr(item, name, value)


def save_member(item: Member, data: dict, author: User) -> None:
    """A member's fields the author may not read (the disability need: officers only)
    are left as they are."""
    _copy(item, {k: v for k, v in data.items() if user_may_read_field(author, item, k)})


def save_note(item: Note, data: dict, author: User) -> None:
    """A note is confidential unless its officer shares it (others cannot write
    confidential notes)."""
    data = dict(data)
    shared = data.pop("shared", None)
    _copy(item, data)
    if item.author_id is None:
        item.author_id = author.id
    item.confidential = confidential_by_default(author, Note, shared)


def save_letter(item: Letter, data: dict, author: User) -> None:
    _copy(item, data)


def save_task(item: Task, data: dict, author: User) -> None:
    """A task's completion date follows `done` (kept when a done task is edited again)."""
    data = dict(data)
    done = data.pop("done", None)
    _copy(item, data)
    if done is not None and done != item.done:
        item.mark_done(done)


def acknowledge_letter(letter: Letter, day: date) -> None:
    """« AR reçu le … »: the acknowledgement of a registered letter we sent came back."""
    if not letter.awaits_acknowledgement:
        raise DomainError(_("L’accusé de réception de ce courrier est déjà enregistré."), letter)
    letter.acknowledged_on = day


def complete_task(task: Task) -> None:
    """« Faite »."""
    if task.done:
        raise DomainError(_("Cette tâche est déjà faite."), task)
    task.mark_done()


# --- split (décohabitation) --------------------------------------------------------------


def split_member(household: Household, member: Member, author: User) -> Household:
    """A member leaves to form their own household, linked to the original file."""
    if member.household_id != household.id or member.left_at is not None or member.is_deleted:
        raise DomainError(_("Ce membre ne fait plus partie du ménage."), household)
    if member.relation is Relation.CHEF:
        raise DomainError(
            _("Le chef de ménage ne peut pas décohabiter : désignez d’abord un autre chef."),
            household,
        )
    new = Household(
        phase=Phase.A_RENCONTRER,
        operation_id=household.operation_id,
        officer_id=household.officer_id,
        split_from_id=household.id,
        name=member.full_name,
        address=household.address,
        commune=household.commune,
    )
    assign_reference(new)
    db.session.add(
        Member(
            household_id=new.id,
            last_name=member.last_name,
            first_name=member.first_name,
            birth_date=member.birth_date,
            relation=Relation.CHEF,
            lease_holder=False,
            in_home_since=member.in_home_since,
            employment=member.employment,
            disability_need=member.disability_need,
        )
    )
    member.left_at = today()
    member.split_to_id = new.id
    db.session.flush()
    record_event("split", household, changes={"new_household_id": [None, new.id]})
    # Other features answer (buildings: the new household's hosted period in the unit).
    household_split.send(
        current_app._get_current_object(), original=household, new=new, day=member.left_at
    )
    return new
