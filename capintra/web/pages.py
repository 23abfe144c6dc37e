"""Record pages with tabs: the household file now, buildings and orders next.

A record page (`RecordPage`) is one record's page: a header and tabs. A tab (`Tab`) is a
URL and an htmx partial: `/households/12/documents` answers the whole page, or only the
`tab-content` block when htmx loads it. Pages and tabs are declared by features
(`Feature.pages`, `Feature.tabs`); a feature adds a tab to another feature's page by
declaring it, nothing else. `install(app)` registers one route per tab, under the
page's access check.

A list of a tab that grows shows a page at a time (capintra/keyset.py): `paged()` reads
the page `?after=` asks for, and an htmx « suivants » link targeting `more-<list>` gets
the tab template's block `more_<list>` alone — the next rows, appended in place of the
link (templates/_macros/paging.html).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, abort, current_app, flash, make_response, request, url_for

from capintra.database import writes
from capintra.extensions import db, htmx
from capintra.features import declared
from capintra.keyset import Page
from capintra.security import can, require
from capintra.web.htmx import redirect_to, render, wants_partial


@dataclass
class TabState:
    """What a tab shows besides its list: the add form, an item being edited, a stale
    version, a message (`extra["error"]`) or any other value a tab's template reads."""

    add_form: Any = None
    edit_id: int | None = None
    edit_form: Any = None
    stale: Any = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RecordPage:
    """The page of one kind of record.

    `endpoint` and `url` are the page's first tab (`households.detail`,
    `/households/<int:household_id>`); every other tab is `<url>/<tab>`, endpoint
    `<blueprint>.tab_<tab>`. `load(id)` returns the record or aborts 404 when the user
    may not reach it. `on_show(record)` runs on every consultation (an audit event).
    `context(record, state)` gives what every tab's template reads.

    A page with `on_show` writes: its tabs take the write lock (capintra.database.
    writes), on every consultation, or only when `writes_when(view_args)` says this one
    will write (decided before the view, from the URL and the session). A page without
    reads without it.
    """

    name: str
    model: type
    endpoint: str
    url: str
    template: str
    capability: str
    load: Callable[[int], Any]
    on_show: Callable[[Any], None] | None = None
    writes_when: Callable[[dict], bool] | None = None
    context: Callable[[Any, TabState], dict] | None = None
    #: The start of the other tabs' endpoints, when two pages of one blueprint have a tab
    #: of the same name (a unit's history beside its building's): `buildings.unit_tab_`.
    #: Default: `<blueprint>.tab_`.
    tabs_endpoint: str | None = None

    @property
    def variable(self) -> str:
        """The URL variable of the record's id: `household_id`."""
        return self.url.rpartition("<")[2].rstrip(">").rpartition(":")[2]

    def tab_endpoint(self, tab: Tab) -> str:
        if tab.first:
            return self.endpoint
        if self.tabs_endpoint:
            return f"{self.tabs_endpoint}{tab.name}"
        return f"{self.endpoint.partition('.')[0]}.tab_{tab.name}"


@dataclass(frozen=True)
class Tab:
    """A tab of the record page `page` (its name): a label, an order among the page's
    tabs, a template for its body, and `context(record, state)` for what it shows.
    `first`: the tab served at the page's own URL. `capability`: who may see the tab
    (default: whoever sees the page). `visible(record)`: whether the current user sees
    it on this record (default: always; hidden, its address answers 404).
    `records_reads`: showing the tab may record what it shows (an audit event per
    confidential note read): its requests always write."""

    page: str
    name: str
    label: Any
    order: int
    template: str
    context: Callable[[Any, TabState], dict] | None = None
    first: bool = False
    capability: str | None = None
    visible: Callable[[Any], bool] | None = None
    records_reads: bool = False

    def shown_on(self, record: Any) -> bool:
        return self.visible is None or self.visible(record)


#: session.info key: this request recorded an audit event of a consultation; it is
#: committed once the page is rendered.
_AUDITED_READ = "capintra_audited_read"


def audited_read() -> None:
    """Say that this request read something audited (commit it after rendering)."""
    db.session.info[_AUDITED_READ] = True


def pages() -> dict[str, RecordPage]:
    return {page.name: page for page in declared("pages")}


def tabs_of(page: RecordPage) -> list[Tab]:
    return sorted((t for t in declared("tabs") if t.page == page.name), key=lambda t: t.order)


def page_of(record: Any) -> RecordPage:
    for page in pages().values():
        if isinstance(record, page.model):
            return page
    raise LookupError(f"no record page for {type(record).__name__}")


def tab_url(record: Any, name: str) -> str:
    page = page_of(record)
    tab = next(t for t in tabs_of(page) if t.name == name)
    return url_for(page.tab_endpoint(tab), **{page.variable: record.id})


def render_tab(record: Any, name: str, state: TabState | None = None, status: int = 200):
    """The record's page on tab `name` (the whole page, or the tab for htmx)."""
    page = page_of(record)
    state = state or TabState()
    shown = [
        t for t in tabs_of(page) if can(t.capability or page.capability) and t.shown_on(record)
    ]
    tab = next((t for t in shown if t.name == name), None)
    if tab is None:
        abort(404)
    ctx: dict[str, Any] = {
        page.name: record,
        "record": record,
        "tab": tab.name,
        "tab_label": tab.label,
        "tab_template": tab.template,
        "tabs": [
            (t.name, t.label, url_for(page.tab_endpoint(t), **{page.variable: record.id}))
            for t in shown
        ],
        "state": state,
    }
    if page.context:
        ctx.update(page.context(record, state))
    if tab.context:
        ctx.update(tab.context(record, state))
    endpoint, values = page.tab_endpoint(tab), {page.variable: record.id}
    ctx["tab_url"] = url_for(endpoint, **values)
    ctx["page_url"] = lambda cursor, name="after": url_for(endpoint, **values, **{name: cursor})
    more = _more_block(tab)
    if more:  # « Afficher les suivants »: the next rows of one list of the tab, appended
        response = render(tab.template, partial=more, status=status, **ctx)
    else:
        response = render(page.template, partial="tab-content", status=status, **ctx)
    if db.session.info.pop(_AUDITED_READ, False):
        # After rendering: a commit expires every loaded object, which the page would
        # otherwise reload one query per row.
        db.session.commit()
    return response


def paged(page_of, record, state: TabState, model) -> Page:
    """The page of a growing list the request asks for (`after=`), or, for an item being
    edited that the first page does not hold, the page starting at that item."""
    page = page_of(record, after=request.args.get("after"))
    if state.edit_id is not None and all(item.id != state.edit_id for item in page):
        edited = db.session.get(model, state.edit_id)  # loaded by the view: no query
        if edited is not None:
            page = page_of(record, start_at=edited)
    return page


def _more_block(tab: Tab) -> str | None:
    """The list an htmx « Afficher les suivants » asks the next page of: its target is the
    link's own element, `more-<list>`, and the tab's template has a block `more_<list>`
    holding the list's rows and that link (templates/_macros/paging.html)."""
    target = htmx.target if htmx and not htmx.boosted else None
    if not target or not target.startswith("more-"):
        return None
    blocks = current_app.jinja_env.get_template(tab.template).blocks
    return target if target.replace("-", "_") in blocks else None


def _tab_view(page: RecordPage, tab: Tab) -> Callable:
    def view(**values):
        record = page.load(values[page.variable])
        if not tab.shown_on(record):
            abort(404)
        if page.on_show:
            page.on_show(record)
        return render_tab(record, tab.name)

    view.__name__ = f"tab_{tab.name}"
    return view


def install(app: Flask) -> None:
    """One GET route per tab of every record page, under the page's access check. The
    tabs of a page whose consultation is recorded (`on_show`) are GET views that write
    (`writes`); the others only read."""
    with app.app_context():
        for page in pages().values():
            for tab in tabs_of(page):
                prefix = "" if tab.first else f"/{tab.name}"
                view = _tab_view(page, tab)
                if tab.records_reads:
                    view = writes(view)
                elif page.on_show is not None:
                    view = writes(view, when=page.writes_when)
                app.add_url_rule(
                    page.url + prefix,
                    endpoint=page.tab_endpoint(tab),
                    view_func=require(tab.capability or page.capability)(view),
                    methods=["GET"],
                )


def saved(record: Any, name: str, message: str, whole_page: bool = False):
    """After an inline add, edit or delete on tab `name`: the message (shown by the next
    page, or out of band with the tab), then the redrawn tab for htmx with an HX-Trigger
    and the tab's address in the bar (not the edit form's), else a 303 to the tab.
    `whole_page`: the save changed what the record's header shows (its phase…), so htmx
    loads the whole tab page instead, the message with it."""
    flash(str(message), "success")
    if wants_partial("tab-content"):
        if whole_page:
            response = make_response("", 200)
            response.headers["HX-Redirect"] = tab_url(record, name)
            return response
        response = render_tab(record, name)
        response.headers["HX-Trigger"] = "capintra:saved"
        response.headers["HX-Replace-Url"] = tab_url(record, name)
        return response
    return redirect_to(tab_url(record, name), 303)
