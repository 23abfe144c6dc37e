"""The household file's « Droit d’accès » tab (officers only), also served at
`/households/<id>/export`: the requests received and answered, what each section of the
export holds, and the downloads."""

from __future__ import annotations

from capintra import clock
from capintra.households.models import Household
from capintra.subject_access import export, queries
from capintra.subject_access.forms import AccessRequestForm, AnswerForm
from capintra.web.pages import TabState

TAB = "access"


def context(household: Household, state: TabState) -> dict:
    requests = queries.requests_of(household)
    forms = dict(state.extra.get("answer_forms") or {})
    for access in requests:
        if access.answered_on is None and access.id not in forms:
            form = AnswerForm(formdata=None)
            form.version.data = access.version
            form.answered_on.data = clock.today()  # the usual answer: handed over today
            forms[access.id] = form
    return {
        "sections": export.sections(household),
        "requests": requests,
        "request_form": state.extra.get("request_form") or AccessRequestForm(formdata=None),
        "answer_forms": forms,
        "access_error": state.extra.get("error"),
    }
