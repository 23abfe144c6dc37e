"""The simulated team of `make load` (run by tools/load/run.py, never on its own against
anything but 127.0.0.1): assistants, officers and managers following the application's
real flows — open the form, post it as the page holds it (CSRF token, version), follow
where the server sends them, htmx requests with the headers htmx sends.

Each user counts the writes the server confirmed (a 303 to the record, or the tab
redrawn with 200); a refusal the application may legitimately give under concurrency
(409: two managers approving the same order) is counted apart, never as a write. At
the end the tally goes to CAPINTRA_LOAD_TALLY as JSON (tools/load/reconcile.py reads it).

Environment: CAPINTRA_LOAD_ACCOUNTS (JSON: the password and the [role, username] list,
written by run.py), CAPINTRA_LOAD_TALLY (where to write the tally), CAPINTRA_LOAD_SECONDS
(the measured run, counted once every user has signed in; the run then stops itself).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from forms import (  # noqa: E402
    BUILDING_LINK,
    HOUSEHOLD_LINK,
    ORDER_LINK,
    form_posting_to,
    ids,
)

ACCOUNTS = json.loads(Path(os.environ["CAPINTRA_LOAD_ACCOUNTS"]).read_text())
TALLY_PATH = Path(os.environ["CAPINTRA_LOAD_TALLY"])
#: Seconds of the measured run, counted once every user has signed in (0: until locust's
#: own --run-time stops everything).
SECONDS = float(os.environ.get("CAPINTRA_LOAD_SECONDS", "0"))

#: Surnames frequent in the demo data (French), typed in the search box.
SURNAMES = [
    "martin",
    "bernard",
    "dubois",
    "thomas",
    "robert",
    "richard",
    "petit",
    "durand",
    "leroy",
    "moreau",
    "simon",
    "laurent",
    "lefebvre",
    "michel",
    "garcia",
    "david",
    "bertrand",
    "roux",
    "vincent",
    "fournier",
    "morel",
    "girard",
    "andre",
    "mercier",
]
FIRST_NAMES = ["Aïcha", "Jean", "Fatima", "Lucas", "Chloé", "Mohamed", "Inès", "Paul"]
STREETS = ["rue Gambetta", "rue de la République", "place du Peuple", "rue Michelet"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
INVALID = re.compile(r'class="invalid-feedback[^"]*"[^>]*>(.*?)<', re.S)
TAB_LINK = r'href="/households/{id}/{tab}"'


# --- the tally ------------------------------------------------------------------------------


class Tally:
    """Everything the users count, in this one process (locust's local runner)."""

    def __init__(self) -> None:
        self.requests = 0
        self.errors = 0
        self.server_errors = 0
        self.conflicts = 0
        self.writes: Counter = Counter()
        #: request name → (kind, response times in ms), once everyone has signed in
        self.times: dict[str, tuple[str, list[float]]] = {}
        #: the same while the team is still signing in (the morning's wave)
        self.ramp: dict[str, tuple[str, list[float]]] = {}
        self.started = 0
        self.steady_since: float | None = None
        self.failures: Counter = Counter()
        self.users: Counter = Counter()
        self.live: list[TeamMember] = []

    def dump(self) -> None:
        unfinished = sum(1 for user in self.live if user.in_flight is not None)
        data = {
            "users": dict(self.users),
            "requests": self.requests,
            "errors": self.errors,
            "server_errors": self.server_errors,
            "conflicts": self.conflicts,
            "unfinished": unfinished,
            "writes": dict(self.writes),
            "times": self.times,
            "ramp": self.ramp,
            "failures": self.failures.most_common(30),
        }
        TALLY_PATH.write_text(json.dumps(data), encoding="utf-8")


TALLY = Tally()


#: Seconds a person takes to fill a form in before sending it (between).
TYPING = (1.0, 3.0)
#: Seconds between two progress lines.
PROGRESS_EVERY = 15


@events.test_start.add_listener
def _started(environment, **_kw) -> None:
    def progress() -> None:
        started = time.monotonic()
        while True:
            gevent.sleep(PROGRESS_EVERY)
            print(
                f"      {time.monotonic() - started:4.0f} s : {TALLY.requests} requêtes, "
                f"{TALLY.errors} erreur(s), {TALLY.conflicts} conflit(s) 409, "
                f"{sum(TALLY.writes.values())} écriture(s)",
                flush=True,
            )

    environment.runner.greenlet.spawn(progress)


def _one_more_started(environment) -> None:
    """A user is in (or gave up signing in): once all are, the measured run begins, and
    ends SECONDS later."""
    TALLY.started += 1
    if TALLY.started < len(ACCOUNTS["accounts"]):
        return
    TALLY.steady_since = time.monotonic()
    print(f"      tous connectés : {SECONDS:.0f} s de charge mesurée", flush=True)
    if SECONDS:
        gevent.spawn_later(SECONDS, environment.runner.quit)


@events.test_stop.add_listener
def _stopped(**_kw) -> None:
    TALLY.dump()


@events.quitting.add_listener
def _quitting(**_kw) -> None:
    TALLY.dump()


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    location: str


class FlowStopped(Exception):  # noqa: N818 - control flow, not an error to report
    """An answer the flow cannot go on from (already counted as an error)."""


# --- one member of the team -----------------------------------------------------------------

_accounts = defaultdict(list)
for _role, _username in ACCOUNTS["accounts"]:
    _accounts[_role].append(_username)
_next_account = {role: itertools.cycle(names) for role, names in _accounts.items()}
_serial = itertools.count(1)


class TeamMember(FastHttpUser):
    abstract = True
    role = ""
    #: between two actions: reading the page, picking the next file
    wait_time = between(2, 6)
    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        self.username = next(_next_account[self.role])
        self.serial = next(_serial)
        self.in_flight: str | None = None
        self.token = ""
        self.made = 0
        TALLY.users[self.role] += 1
        TALLY.live.append(self)
        try:
            page = self.get("/login", "/login")
            login = form_posting_to(page, having="username")
            data = login.data(username=self.username, password=ACCOUNTS["password"])
            self.call("POST", "/login", "/login", data=data, expect=(302,), csrf=False)
            home = self.get("/", "/ (tableau de bord)")
            self.token = CSRF.search(home).group(1)
        except FlowStopped:
            self.stop()  # counted as an error; the others go on
        finally:
            _one_more_started(self.environment)

    # --- requests -------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        name: str,
        *,
        data=None,
        target: str | None = None,
        expect=(200,),
        conflict=(),
        write: str | None = None,
        csrf: bool = True,
    ) -> Answer | None:
        """One request: `target` makes it an htmx request aimed at that element. Counts
        the answer: `expect`ed, a legitimate `conflict` (returns None), or an error
        (raises FlowStopped). A `write` is counted when the answer is an expected one."""
        headers = {}
        if target is not None:
            headers.update({"HX-Request": "true", "HX-Target": target})
            kind = "fragment"
        else:
            kind = "page" if method == "GET" else "post"
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if csrf:
                headers["X-CSRFToken"] = self.token
            body = urlencode(data or {}, doseq=True)
        label = f"{method} {name}"
        if write:  # filling the form in
            gevent.sleep(random.uniform(*TYPING))
        self.in_flight = write
        with self.client.request(
            method,
            path,
            name=label,
            data=body,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status = response.status_code
            TALLY.requests += 1
            elapsed = response.request_meta.get("response_time") or 0.0
            times = TALLY.times if TALLY.steady_since is not None else TALLY.ramp
            times.setdefault(label, (kind, []))[1].append(round(elapsed, 1))
            if status in expect:
                response.success()
                self.in_flight = None
                if write:
                    TALLY.writes[write] += 1
                return Answer(status, response.text or "", response.headers.get("Location", ""))
            if status in conflict:
                response.success()
                self.in_flight = None
                TALLY.conflicts += 1
                return None
            if status == 0:  # no answer: the write's outcome is unknown, in_flight says so
                what = f"{label}: no answer ({response.error})"
            else:
                self.in_flight = None
                what = f"{label}: {status}"
                if status == 422:  # the messages on the fields, to say what was refused
                    what += f" {INVALID.findall(response.text or '')[:3]}"
            TALLY.errors += 1
            if status >= 500:
                TALLY.server_errors += 1
            TALLY.failures[what[:200]] += 1
            response.failure(what)
            raise FlowStopped(what)

    def get(self, path: str, name: str, **kw) -> str:
        return self.call("GET", path, name, **kw).text

    def go(self, path: str, name: str, then: str, **kw) -> tuple[int, str] | None:
        """A plain form post answered 303, then the page it sends to (as a browser
        would). Returns the id at the end of the new address and that page, or None on a
        legitimate conflict."""
        answer = self.call("POST", path, name, expect=(303,), **kw)
        if answer is None:
            return None
        target = urlsplit(answer.location).path
        page = self.get(target, then)
        match = re.search(r"/(\d+)/?$", target)
        return (int(match.group(1)) if match else 0), page

    def flow(self, steps) -> None:
        with contextlib.suppress(FlowStopped):
            steps()

    # --- shared flows -----------------------------------------------------------------------

    def search(self) -> list[int]:
        """Type a surname in the list's search box (active search: a fragment per pause),
        return the files found."""
        name = random.choice(SURNAMES)
        self.get("/households/", "/households/ (liste)")
        found = []
        for typed in (name[:3], name):
            path = "/households/?" + urlencode({"q": typed})
            found = ids(
                HOUSEHOLD_LINK,
                self.get(path, "/households/?q= (recherche)", target="household-results"),
            )
        return found

    def open_file(self) -> tuple[int, str] | None:
        found = self.search()
        if not found:
            return None
        household_id = random.choice(found[:20])
        page = self.get(f"/households/{household_id}", "/households/[id] (dossier)")
        return household_id, page

    def open_tab(self, household_id: int, page: str, tab: str) -> str | None:
        """The file's tab, as a click in its tab bar does; None when the file has no such
        tab (a closed file's relocation evidence)."""
        if not re.search(TAB_LINK.format(id=household_id, tab=tab), page):
            return None
        return self.get(
            f"/households/{household_id}/{tab}",
            f"/households/[id]/{tab} (onglet)",
            target="tab-content",
        )

    def next_label(self, prefix: str) -> str:
        self.made += 1
        return f"{prefix}{self.serial}-{self.made}"

    @task(1)
    def dashboard(self) -> None:
        self.flow(lambda: self.get("/", "/ (tableau de bord)"))

    @task(6)
    def look_up(self) -> None:
        def steps():
            opened = self.open_file()
            if opened and random.random() < 0.5:
                household_id, page = opened
                self.open_tab(
                    household_id, page, random.choice(["letters", "occupancy", "history", "tasks"])
                )

        self.flow(steps)


# --- assistants: files, letters, units, orders ----------------------------------------------


class Assistant(TeamMember):
    role = "assistant"

    @task(4)
    def create_household(self) -> None:
        def steps():
            page = self.get("/households/new", "/households/new")
            form = form_posting_to(page, having="name")
            last = random.choice(SURNAMES).upper()
            data = form.data(
                name=f"{last} {random.choice(FIRST_NAMES)} {self.next_label('C')}",
                operation_id=random.choice(form.options["operation_id"]),
                address=f"{random.randint(1, 80)} {random.choice(STREETS)}",
                phone=f"06 {random.randint(10, 99)} {random.randint(10, 99)} "
                f"{random.randint(10, 99)} {random.randint(10, 99)}",
            )
            self.go(
                "/households/new",
                "/households/new",
                "/households/[id] (dossier)",
                data=data,
                write="household",
            )

        self.flow(steps)

    @task(6)
    def record_letter(self) -> None:
        def steps():
            opened = self.open_file()
            if not opened:
                return
            household_id, page = opened
            tab = self.open_tab(household_id, page, "letters")
            action = f"/households/{household_id}/letters"
            form = form_posting_to(tab or "", action)
            if form is None:
                return
            channel = random.choice(["simple", "email", "main_propre", "lrar"])
            data = form.data(
                channel=channel,
                subject=f"Courrier de test de charge {self.next_label('L')}",
                letter_date=(date.today() - timedelta(days=random.randint(0, 30))).isoformat(),
            )
            if channel == "lrar":
                digits = "".join(random.choices("0123456789", k=11))
                data["tracking_number"] = (
                    f"1A {digits[:3]} {digits[3:6]} {digits[6:10]} {digits[10]}"
                )
            self.call(
                "POST",
                action,
                "/households/[id]/letters (ajout)",
                data=data,
                target="tab-content",
                write="letter",
            )

        self.flow(steps)

    @task(4)
    def create_unit(self) -> None:
        def steps():
            listing = self.get("/buildings/", "/buildings/ (liste)")
            buildings = ids(BUILDING_LINK, listing)
            if not buildings:
                return
            building_id = random.choice(buildings)
            self.get(f"/buildings/{building_id}", "/buildings/[id] (immeuble)")
            path = f"/buildings/{building_id}/units/new"
            page = self.get(path, "/buildings/[id]/units/new")
            form = form_posting_to(page, having="lot_number")
            data = form.data(
                lot_number=self.next_label("T"),
                floor=random.choice(["RDC", "1er", "2e", "3e"]),
                unit_type=random.choice(["t1", "t2", "t3", "t4"]),
                surface_dm2=f"{random.randint(20, 90)},{random.randint(0, 9)}",
            )
            self.go(
                path, "/buildings/[id]/units/new", "/units/[id] (logement)", data=data, write="unit"
            )

        self.flow(steps)

    @task(4)
    def draft_order(self) -> None:
        def steps():
            page = self.get("/orders/new", "/orders/new")
            form = form_posting_to(page, having="lot_id")
            data = form.data(
                lot_id=random.choice([v for v in form.options["lot_id"] if v]),
                operation_id=random.choice([v for v in form.options["operation_id"] if v]),
                place=f"{random.choice(STREETS)}, Saint-Étienne",
                budget_line=f"6228-MOUS-{date.today().year}",
            )
            order_id, page = self.go(
                "/orders/new", "/orders/new", "/orders/[id] (bon)", data=data, write="order"
            )
            for _ in range(random.randint(1, 3)):
                action = f"/orders/{order_id}/lines"
                form = form_posting_to(page, action)
                item = random.choice([v for v in form.options["price_item_id"] if v])
                page = self.call(
                    "POST",
                    action,
                    "/orders/[id]/lines (ligne)",
                    target="tab-content",
                    data=form.data(price_item_id=item, quantity=str(random.randint(1, 4))),
                    write="order_line",
                ).text
            submit = form_posting_to(page, f"/orders/{order_id}/submit")
            self.go(
                submit.action,
                "/orders/[id]/submit",
                "/orders/[id] (bon)",
                data=submit.data(),
                write="order_submit",
            )

        self.flow(steps)


# --- officers: notes and offers -------------------------------------------------------------


class Officer(TeamMember):
    role = "officer"

    @task(8)
    def write_note(self) -> None:
        def steps():
            opened = self.open_file()
            if not opened:
                return
            household_id, page = opened
            tab = self.open_tab(household_id, page, "journal")
            action = f"/households/{household_id}/notes"
            form = form_posting_to(tab or "", action)
            if form is None:
                return
            data = form.data(
                kind=random.choice(form.options["kind"]),
                body=f"Entretien de suivi ({self.next_label('N')}) : le ménage confirme ses "
                "souhaits de relogement, pièces à fournir avant la fin du mois.",
            )
            if random.random() < 0.3:
                data["shared"] = "y"
            self.call(
                "POST",
                action,
                "/households/[id]/notes (ajout)",
                data=data,
                target="tab-content",
                write="note",
            )

        self.flow(steps)

    @task(4)
    def record_offer(self) -> None:
        def steps():
            opened = self.open_file()
            if not opened:
                return
            household_id, page = opened
            tab = self.open_tab(household_id, page, "offers")
            action = f"/households/{household_id}/offers"
            form = form_posting_to(tab or "", action)
            if form is None:
                return
            sent = date.today() - timedelta(days=random.randint(0, 20))
            data = form.data(
                sent_on=sent.isoformat(),
                answer_deadline=(sent + timedelta(days=10)).isoformat(),
                address=f"{random.randint(1, 80)} {random.choice(STREETS)} "
                f"({self.next_label('P')})",
                commune="Saint-Étienne",
                unit_type=random.choice(["t2", "t3", "t4"]),
                surface_dm2=f"{random.randint(40, 90)}",
                rent_cents=f"{random.randint(300, 650)}",
            )
            self.call(
                "POST",
                action,
                "/households/[id]/offers (ajout)",
                data=data,
                target="tab-content",
                conflict=(409,),
                write="offer",
            )

        self.flow(steps)


# --- managers: approvals and reports --------------------------------------------------------


class Manager(TeamMember):
    role = "manager"

    @task(12)
    def approve_order(self) -> None:
        def steps():
            listing = self.get("/orders/?status=soumis", "/orders/?status=soumis (à approuver)")
            waiting = ids(ORDER_LINK, listing)
            if not waiting:
                return
            # the oldest few: colleagues reading the same list pick the same orders
            order_id = random.choice(waiting[-3:])
            page = self.get(f"/orders/{order_id}/approval", "/orders/[id]/approval")
            form = form_posting_to(page, f"/orders/{order_id}/approve")
            if form is None:  # approved or refused meanwhile: the page says so
                return
            self.go(
                form.action,
                "/orders/[id]/approve",
                "/orders/[id] (bon)",
                data=form.data(),
                conflict=(409,),
                write="order_approve",
            )

        self.flow(steps)

    @task(1)
    def relocation_report(self) -> None:
        self.flow(lambda: self.get("/reports/relocation", "/reports/relocation"))

    @task(1)
    def occupancy_report(self) -> None:
        self.flow(lambda: self.get("/reports/occupancy", "/reports/occupancy"))

    @task(2)
    def orders_register(self) -> None:
        self.flow(lambda: self.get("/orders/", "/orders/ (registre)"))


for _cls in (Assistant, Officer, Manager):
    _cls.fixed_count = len(_accounts.get(_cls.role, []))
del _cls  # locust takes every User class in the module's names: one name each
