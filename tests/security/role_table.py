"""Who may do what: the expected answer of every route to every kind of visitor, written
by hand from DESIGN §1 — never computed from `capintra.security.CAPABILITIES`, which it
checks. Read it line by line against the design:

- signed-in people (officer, assistant, manager) all see the dashboard, the household
  files and their tabs, manage their own account, and read their own notifications
  (marking one read with an empty form: 422);
- officers and assistants create and edit household files, members, letters, notes,
  tasks and documents; managers do not;
- only officers change a file's phase and split a household, and export everything
  held on a household (right of access, confidential notes included);
- confidential notes and documents exist for officers only: for everyone else a direct
  URL answers 404 (HIDDEN_TABLE) — or 403 first, where the route is refused to the role;
- managers read the audit trail; the admin is a manager with the admin flag, who also
  manages users, operations, the organisations directory (merging its duplicates),
  contracts with their lots, amendments and price schedules, signing delegations, and
  the details and signature image printed on orders, and approves the retention run's
  disposal lists (« bordereaux d’élimination »); assistants and officers add an
  organisation to the directory where they need one;
- the login page, the health check and static files are public.

What a cell means, for whoever may use the route: a GET as is, a POST with an empty form
(and a valid CSRF token) — 200 page, 422 form refused, 302/303 redirect. LOGIN: an
anonymous visitor is sent to the login page (302; 401 with HX-Redirect for htmx).

A new route fails tests/security/test_role_matrix.py until its line is added here.
"""

from __future__ import annotations

LOGIN = "login"
PRINCIPALS = ("anonymous", "officer", "assistant", "manager", "admin")

# fmt: off
#: (endpoint, method): anonymous, officer, assistant, manager, admin (a manager + admin flag)
ROUTE_TABLE: dict[tuple[str, str], tuple[int | str, ...]] = {
    # public
    ("auth.login", "GET"):                      (200,   302, 302, 302, 302),
    ("auth.login", "POST"):                     (422,   422, 422, 422, 422),
    ("web.healthz", "GET"):                     (200,   200, 200, 200, 200),
    ("static", "GET"):                          (200,   200, 200, 200, 200),
    # every signed-in person
    ("web.dashboard", "GET"):                   (LOGIN, 200, 200, 200, 200),
    ("auth.change_password", "GET"):            (LOGIN, 200, 200, 200, 200),
    ("auth.change_password", "POST"):           (LOGIN, 422, 422, 422, 422),
    ("auth.logout", "POST"):                    (LOGIN, 303, 303, 303, 303),
    ("notifications.index", "GET"):             (LOGIN, 200, 200, 200, 200),
    ("notifications.mark_read", "POST"):        (LOGIN, 422, 422, 422, 422),
    # household files: everyone reads
    ("households.index", "GET"):                (LOGIN, 200, 200, 200, 200),
    ("households.detail", "GET"):               (LOGIN, 200, 200, 200, 200),
    ("households.tab_members", "GET"):          (LOGIN, 200, 200, 200, 200),
    ("households.tab_journal", "GET"):          (LOGIN, 200, 200, 200, 200),
    ("households.tab_letters", "GET"):          (LOGIN, 200, 200, 200, 200),
    ("households.tab_documents", "GET"):        (LOGIN, 200, 200, 200, 200),
    ("households.tab_tasks", "GET"):            (LOGIN, 200, 200, 200, 200),
    ("households.tab_history", "GET"):          (LOGIN, 200, 200, 200, 200),
    ("households.tab_occupancy", "GET"):        (LOGIN, 200, 200, 200, 200),
    ("households.tab_offers", "GET"):           (LOGIN, 200, 200, 200, 200),
    ("households.tab_relocation", "GET"):       (LOGIN, 200, 200, 200, 200),
    ("documents.download", "GET"):              (LOGIN, 200, 200, 200, 200),
    # relocation: wishes and offers, written by officers only (DESIGN §1)
    ("relocation.wishes_edit", "GET"):          (LOGIN, 200, 403, 403, 403),
    ("relocation.wishes_edit", "POST"):         (LOGIN, 422, 403, 403, 403),
    ("relocation.offers_add", "POST"):          (LOGIN, 422, 403, 403, 403),
    ("relocation.offers_edit", "GET"):          (LOGIN, 200, 403, 403, 403),
    ("relocation.offers_edit", "POST"):         (LOGIN, 422, 403, 403, 403),
    ("relocation.offers_delete", "POST"):       (LOGIN, 422, 403, 403, 403),
    # relocation: temporary and final relocations, recorded by officers only (DESIGN §1)
    ("relocation.relocations_add", "POST"):     (LOGIN, 422, 403, 403, 403),
    ("relocation.relocations_edit", "GET"):     (LOGIN, 200, 403, 403, 403),
    ("relocation.relocations_edit", "POST"):    (LOGIN, 422, 403, 403, 403),
    # right of access: the export holds confidential notes and health details, so
    # officers only (DESIGN §1: confidential content; managers see no social details,
    # assistants no health); the admin is a manager
    ("subject_access.page", "GET"):             (LOGIN, 200, 403, 403, 403),
    ("households.tab_access", "GET"):           (LOGIN, 200, 403, 403, 403),
    ("subject_access.download_json", "GET"):    (LOGIN, 200, 403, 403, 403),
    ("subject_access.download_pdf", "GET"):     (LOGIN, 200, 403, 403, 403),
    ("subject_access.record_request", "POST"):  (LOGIN, 422, 403, 403, 403),
    ("subject_access.answer_request", "POST"):  (LOGIN, 422, 403, 403, 403),
    # the follow-up committee: officers and managers read the list (reports); officers
    # record the decision (the social follow-up, DESIGN §1)
    ("committee.index", "GET"):                 (LOGIN, 200, 403, 200, 200),
    ("committee.print_view", "GET"):            (LOGIN, 200, 403, 200, 200),
    ("committee.decision", "POST"):             (LOGIN, 422, 403, 403, 403),
    # the occupancy report and its CSV export: reports are for officers and managers
    ("occupancy_report.view", "GET"):           (LOGIN, 200, 403, 200, 200),
    ("occupancy_report.csv", "GET"):            (LOGIN, 200, 403, 200, 200),
    # household files: officers and assistants write, managers do not
    ("households.create", "GET"):               (LOGIN, 200, 200, 403, 403),
    ("households.create", "POST"):              (LOGIN, 422, 422, 403, 403),
    ("households.edit", "GET"):                 (LOGIN, 200, 200, 403, 403),
    ("households.edit", "POST"):                (LOGIN, 422, 422, 403, 403),
    ("households.members_add", "POST"):         (LOGIN, 422, 422, 403, 403),
    ("households.members_edit", "GET"):         (LOGIN, 200, 200, 403, 403),
    ("households.members_edit", "POST"):        (LOGIN, 422, 422, 403, 403),
    ("households.members_delete", "POST"):      (LOGIN, 422, 422, 403, 403),
    ("households.notes_add", "POST"):           (LOGIN, 422, 422, 403, 403),
    ("households.notes_edit", "GET"):           (LOGIN, 200, 200, 403, 403),
    ("households.notes_edit", "POST"):          (LOGIN, 422, 422, 403, 403),
    ("households.notes_delete", "POST"):        (LOGIN, 422, 422, 403, 403),
    ("households.letters_add", "POST"):         (LOGIN, 422, 422, 403, 403),
    ("households.letters_edit", "GET"):         (LOGIN, 200, 200, 403, 403),
    ("households.letters_edit", "POST"):        (LOGIN, 422, 422, 403, 403),
    ("households.letters_delete", "POST"):      (LOGIN, 422, 422, 403, 403),
    ("households.tasks_add", "POST"):           (LOGIN, 422, 422, 403, 403),
    ("households.tasks_edit", "GET"):           (LOGIN, 200, 200, 403, 403),
    ("households.tasks_edit", "POST"):          (LOGIN, 422, 422, 403, 403),
    ("households.tasks_delete", "POST"):        (LOGIN, 422, 422, 403, 403),
    # the dashboard's one-click actions: « AR reçu le … », « Faite »
    ("households.letter_acknowledge", "POST"):  (LOGIN, 422, 422, 403, 403),
    ("households.task_done", "POST"):           (LOGIN, 422, 422, 403, 403),
    ("households.documents_upload", "POST"):    (LOGIN, 422, 422, 403, 403),
    ("households.documents_delete", "POST"):    (LOGIN, 422, 422, 403, 403),
    # the social follow-up: officers only
    ("households.phase", "POST"):               (LOGIN, 422, 403, 403, 403),
    ("households.split", "POST"):               (LOGIN, 422, 403, 403, 403),
    # buildings and occupancy: everyone reads; assistants and officers write
    ("buildings.index", "GET"):                 (LOGIN, 200, 200, 200, 200),
    ("buildings.detail", "GET"):                (LOGIN, 200, 200, 200, 200),
    ("buildings.tab_arretes", "GET"):           (LOGIN, 200, 200, 200, 200),
    ("buildings.tab_incidents", "GET"):         (LOGIN, 200, 200, 200, 200),
    ("buildings.tab_documents", "GET"):         (LOGIN, 200, 200, 200, 200),
    ("buildings.tab_history", "GET"):           (LOGIN, 200, 200, 200, 200),
    ("buildings.unit", "GET"):                  (LOGIN, 200, 200, 200, 200),
    ("buildings.unit_tab_history", "GET"):      (LOGIN, 200, 200, 200, 200),
    ("buildings.building_create", "GET"):       (LOGIN, 200, 200, 403, 403),
    ("buildings.building_create", "POST"):      (LOGIN, 422, 422, 403, 403),
    ("buildings.building_edit", "GET"):         (LOGIN, 200, 200, 403, 403),
    ("buildings.building_edit", "POST"):        (LOGIN, 422, 422, 403, 403),
    ("buildings.unit_create", "GET"):           (LOGIN, 200, 200, 403, 403),
    ("buildings.unit_create", "POST"):          (LOGIN, 422, 422, 403, 403),
    ("buildings.unit_edit", "GET"):             (LOGIN, 200, 200, 403, 403),
    ("buildings.unit_edit", "POST"):            (LOGIN, 422, 422, 403, 403),
    ("buildings.unit_condition", "POST"):       (LOGIN, 422, 422, 403, 403),
        # a period's rent, charges and APL: individual finances, never the managers'
    ("buildings.period_costs", "GET"):          (LOGIN, 200, 200, 403, 403),
    ("buildings.period_costs", "POST"):         (LOGIN, 422, 422, 403, 403),
    ("buildings.arretes_add", "POST"):          (LOGIN, 422, 422, 403, 403),
    ("buildings.arretes_edit", "GET"):          (LOGIN, 200, 200, 403, 403),
    ("buildings.arretes_edit", "POST"):         (LOGIN, 422, 422, 403, 403),
    ("buildings.arretes_delete", "POST"):       (LOGIN, 422, 422, 403, 403),
    ("buildings.incidents_add", "POST"):        (LOGIN, 422, 422, 403, 403),
    ("buildings.incidents_edit", "GET"):        (LOGIN, 200, 200, 403, 403),
    ("buildings.incidents_edit", "POST"):       (LOGIN, 422, 422, 403, 403),
    ("buildings.incidents_delete", "POST"):     (LOGIN, 422, 422, 403, 403),
    ("buildings.period_open", "POST"):          (LOGIN, 422, 422, 403, 403),
    ("buildings.period_close", "GET"):          (LOGIN, 200, 200, 403, 403),
    ("buildings.period_close", "POST"):         (LOGIN, 422, 422, 403, 403),
    ("buildings.documents_upload", "POST"):     (LOGIN, 422, 422, 403, 403),
    ("buildings.documents_delete", "POST"):     (LOGIN, 422, 422, 403, 403),
    # spreadsheet import (DESIGN §1 "imports": assistants and officers; managers do not)
    ("imports.index", "GET"):                   (LOGIN, 200, 200, 403, 403),
    ("imports.index", "POST"):                  (LOGIN, 422, 422, 403, 403),
    ("imports.template_csv_download", "GET"):   (LOGIN, 200, 200, 403, 403),
    ("imports.template_xlsx_download", "GET"):  (LOGIN, 200, 200, 403, 403),
    ("imports.preview", "GET"):                 (LOGIN, 200, 200, 403, 403),
    ("imports.commit", "POST"):                 (LOGIN, 422, 422, 403, 403),
    ("imports.abandon", "POST"):                (LOGIN, 422, 422, 403, 403),
    # reports: officers and managers (DESIGN §1 "reports and exports"), never assistants
    ("reports.relocation", "GET"):              (LOGIN, 200, 403, 200, 200),
    ("reports.relocation_diffusion", "GET"):    (LOGIN, 200, 403, 200, 200),
    ("reports.relocation_csv", "GET"):          (LOGIN, 200, 403, 200, 200),
    ("reports.relocation_xlsx", "GET"):         (LOGIN, 200, 403, 200, 200),
    ("reports.relocation_diffusion_csv", "GET"): (LOGIN, 200, 403, 200, 200),
    ("reports.relocation_diffusion_xlsx", "GET"): (LOGIN, 200, 403, 200, 200),
    ("reports.chart_months", "GET"):            (LOGIN, 200, 403, 200, 200),
    ("reports.chart_buildings", "GET"):         (LOGIN, 200, 403, 200, 200),
    # audit trail: managers (and so the admin)
    ("audit.index", "GET"):                     (LOGIN, 403, 403, 200, 200),
    ("audit.export", "GET"):                    (LOGIN, 403, 403, 200, 200),
    # administration: the admin flag only
    ("admin.index", "GET"):                     (LOGIN, 403, 403, 403, 302),
    ("admin.users", "GET"):                     (LOGIN, 403, 403, 403, 200),
    ("admin.user_new", "GET"):                  (LOGIN, 403, 403, 403, 200),
    ("admin.user_new", "POST"):                 (LOGIN, 403, 403, 403, 422),
    ("admin.user_edit", "GET"):                 (LOGIN, 403, 403, 403, 200),
    ("admin.user_edit", "POST"):                (LOGIN, 403, 403, 403, 422),
    ("admin.user_password", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("admin.user_password", "POST"):            (LOGIN, 403, 403, 403, 422),
    ("admin.user_reassign", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("admin.user_reassign", "POST"):            (LOGIN, 403, 403, 403, 422),
    ("admin.user_deactivate", "POST"):          (LOGIN, 403, 403, 403, 422),
    ("admin.user_reactivate", "POST"):          (LOGIN, 403, 403, 403, 422),
    ("admin.user_unlock", "POST"):              (LOGIN, 403, 403, 403, 422),
    ("admin.operations", "GET"):                (LOGIN, 403, 403, 403, 200),
    ("admin.operation_new", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("admin.operation_new", "POST"):            (LOGIN, 403, 403, 403, 422),
    ("admin.operation_edit", "GET"):            (LOGIN, 403, 403, 403, 200),
    ("admin.operation_edit", "POST"):           (LOGIN, 403, 403, 403, 422),
    # disposal lists of the retention run: the admin flag only (DESIGN §1, retention runs)
    ("retention.disposals", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("retention.disposal", "GET"):              (LOGIN, 403, 403, 403, 200),
    ("retention.disposal_approve", "POST"):     (LOGIN, 403, 403, 403, 422),
    # the organisations directory: the admin keeps it (list, create, edit, merge)
    ("organisations.index", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("organisations.create", "GET"):            (LOGIN, 403, 403, 403, 200),
    ("organisations.create", "POST"):           (LOGIN, 403, 403, 403, 422),
    ("organisations.edit", "GET"):              (LOGIN, 403, 403, 403, 200),
    ("organisations.edit", "POST"):             (LOGIN, 403, 403, 403, 422),
    ("organisations.merge", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("organisations.merge", "POST"):            (LOGIN, 403, 403, 403, 422),
    # contracts, lots, amendments, price schedules, signing delegations: the admin only
    # (DESIGN §1, last line; officers, assistants and managers without the flag: 403)
    ("orders.contracts", "GET"):                (LOGIN, 403, 403, 403, 200),
    ("orders.contract_new", "GET"):             (LOGIN, 403, 403, 403, 200),
    ("orders.contract_new", "POST"):            (LOGIN, 403, 403, 403, 422),
    ("orders.contract", "GET"):                 (LOGIN, 403, 403, 403, 200),
    ("orders.contract_edit", "GET"):            (LOGIN, 403, 403, 403, 200),
    ("orders.contract_edit", "POST"):           (LOGIN, 403, 403, 403, 422),
    ("orders.lot_new", "GET"):                  (LOGIN, 403, 403, 403, 200),
    ("orders.lot_new", "POST"):                 (LOGIN, 403, 403, 403, 422),
    ("orders.lot_edit", "GET"):                 (LOGIN, 403, 403, 403, 200),
    ("orders.lot_edit", "POST"):                (LOGIN, 403, 403, 403, 422),
    ("orders.amendment_new", "GET"):            (LOGIN, 403, 403, 403, 200),
    ("orders.amendment_new", "POST"):           (LOGIN, 403, 403, 403, 422),
    ("orders.price_item_new", "GET"):           (LOGIN, 403, 403, 403, 200),
    ("orders.price_item_new", "POST"):          (LOGIN, 403, 403, 403, 422),
    ("orders.price_version_new", "GET"):        (LOGIN, 403, 403, 403, 200),
    ("orders.price_version_new", "POST"):       (LOGIN, 403, 403, 403, 422),
    ("orders.delegations", "GET"):              (LOGIN, 403, 403, 403, 200),
    ("orders.delegation_new", "GET"):           (LOGIN, 403, 403, 403, 200),
    ("orders.delegation_new", "POST"):          (LOGIN, 403, 403, 403, 422),
    ("orders.delegation_edit", "GET"):          (LOGIN, 403, 403, 403, 200),
    ("orders.delegation_edit", "POST"):         (LOGIN, 403, 403, 403, 422),
    ("orders.deputy_new", "GET"):               (LOGIN, 403, 403, 403, 200),
    ("orders.deputy_new", "POST"):              (LOGIN, 403, 403, 403, 422),
    ("orders.issuer", "GET"):                   (LOGIN, 403, 403, 403, 200),
    ("orders.issuer", "POST"):                  (LOGIN, 403, 403, 403, 422),
    # the signature image printed on orders: the admin only, like the details. The table's
    # database holds no issuer yet: the image is 404 even for the admin (200 once there
    # is one: tests/orders/test_signature.py), and an empty upload or removal is refused
    ("orders.issuer_signature", "GET"):         (LOGIN, 403, 403, 403, 404),
    ("orders.issuer_signature_upload", "POST"): (LOGIN, 403, 403, 403, 422),
    ("orders.issuer_signature_delete", "POST"): (LOGIN, 403, 403, 403, 422),
    # provider orders: everyone reads the register, the orders, their print and the lots'
    # consumption; everyone drafts (an empty form: 422; an empty post to a lifecycle route
    # carries no version: 409, the order having moved on since the page was shown)
    ("ordering.index", "GET"):                  (LOGIN, 200, 200, 200, 200),
    ("ordering.detail", "GET"):                 (LOGIN, 200, 200, 200, 200),
    ("ordering.tab_documents", "GET"):          (LOGIN, 200, 200, 200, 200),
    ("ordering.tab_history", "GET"):            (LOGIN, 200, 200, 200, 200),
    ("ordering.print_view", "GET"):             (LOGIN, 200, 200, 200, 200),
    ("ordering.pdf", "GET"):                    (LOGIN, 200, 200, 200, 200),
    ("ordering.contracts", "GET"):              (LOGIN, 200, 200, 200, 200),
    ("ordering.contract", "GET"):               (LOGIN, 200, 200, 200, 200),
    ("ordering.contract_tab_history", "GET"):   (LOGIN, 200, 200, 200, 200),
    ("ordering.new", "GET"):                    (LOGIN, 200, 200, 200, 200),
    ("ordering.new", "POST"):                   (LOGIN, 422, 422, 422, 422),
    ("ordering.edit", "GET"):                   (LOGIN, 200, 200, 200, 200),
    ("ordering.edit", "POST"):                  (LOGIN, 422, 422, 422, 422),
    ("ordering.lines", "POST"):                 (LOGIN, 422, 422, 422, 422),
    ("ordering.line_remove", "POST"):           (LOGIN, 303, 303, 303, 303),
    ("ordering.household_search", "GET"):       (LOGIN, 200, 200, 200, 200),
    ("ordering.households", "POST"):            (LOGIN, 422, 422, 422, 422),
    # (the household the URL names is not on the order)
    ("ordering.household_remove", "POST"):      (LOGIN, 404, 404, 404, 404),
    ("ordering.submit", "POST"):                (LOGIN, 409, 409, 409, 409),
    ("ordering.cancel", "POST"):                (LOGIN, 409, 409, 409, 409),
    # only managers approve or reject (their delegation is checked by the rule: 409)
    ("ordering.approval", "GET"):               (LOGIN, 403, 403, 200, 200),
    ("ordering.approve", "POST"):               (LOGIN, 403, 403, 409, 409),
    ("ordering.reject", "POST"):                (LOGIN, 403, 403, 409, 409),
    # assistants and managers record the notification, invoices, payments, the settlement
    ("ordering.notify", "POST"):                (LOGIN, 403, 422, 422, 422),
    ("ordering.invoice", "POST"):               (LOGIN, 403, 422, 422, 422),
    ("ordering.invoice_pay", "POST"):           (LOGIN, 403, 422, 422, 422),
    ("ordering.invoice_suspend", "POST"):       (LOGIN, 403, 409, 409, 409),
    ("ordering.invoice_resume", "POST"):        (LOGIN, 403, 409, 409, 409),
    ("ordering.settle", "POST"):                (LOGIN, 403, 409, 409, 409),
    # …and attach the signed order and the invoices (an empty upload: 422)
    ("ordering.documents_upload", "POST"):      (LOGIN, 403, 422, 422, 422),
    ("ordering.documents_delete", "POST"):      (LOGIN, 403, 422, 422, 422),
    # officers and managers attest the service done
    ("ordering.attest", "POST"):                (LOGIN, 422, 403, 422, 422),
    # …and assistants and officers add an organisation where they need one (partners)
    ("organisations.add", "GET"):               (LOGIN, 200, 200, 403, 403),
    ("organisations.add", "POST"):              (LOGIN, 422, 422, 403, 403),
}

#: The same routes on a *confidential* item (an officer's unshared note or document):
#: it exists for officers only; a role the route already refuses gets its 403 first.
HIDDEN_TABLE: dict[tuple[str, str], tuple[int | str, ...]] = {
    ("households.notes_edit", "GET"):           (LOGIN, 200, 404, 403, 403),
    ("households.notes_edit", "POST"):          (LOGIN, 422, 404, 403, 403),
    ("households.notes_delete", "POST"):        (LOGIN, 422, 404, 403, 403),
    ("documents.download", "GET"):              (LOGIN, 200, 404, 404, 404),
    ("households.documents_delete", "POST"):    (LOGIN, 422, 404, 403, 403),
    ("buildings.documents_delete", "POST"):     (LOGIN, 422, 404, 403, 403),
    ("ordering.documents_delete", "POST"):      (LOGIN, 403, 404, 404, 404),
}
# fmt: on


def expected(table: dict, key: tuple[str, str], principal: str) -> int | str:
    """The cell for that principal ("anonymous-htmx" reads the anonymous column)."""
    column = "anonymous" if principal.startswith("anonymous") else principal
    return table[key][PRINCIPALS.index(column)]


def line_to_add(endpoint: str, method: str) -> str:
    return (
        f"({endpoint!r}, {method!r}): (anonymous, officer, assistant, manager, admin) — "
        "the statuses DESIGN §1 gives"
    )
