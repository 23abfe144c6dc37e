"""The load test's own logic (tools/load/, outside the package): the reconciliation of the
writes the simulated users counted with the database's counts, the order numbers'
gaps, the percentiles, and the forms read from the application's HTML as a browser
submits them."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "load"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"load_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


reconcile = _load("reconcile")
forms = _load("forms")


def _tally(**writes):
    return reconcile.Tally(writes=writes)


def _counts(**changed):
    return {kind: changed.get(kind, 0) for kind in reconcile.WRITES}


def test_every_write_found_once_matches():
    outcomes = reconcile.compare(
        _tally(note=3, order_approve=2), _counts(note=10, order_approve=5),
        _counts(note=13, order_approve=7),
    )  # fmt: skip
    assert all(o.lost == 0 and o.duplicated == 0 for o in outcomes)
    assert {o.kind: o.found for o in outcomes}["note"] == 3


def test_a_write_confirmed_but_missing_is_lost():
    (note,) = [
        o
        for o in reconcile.compare(_tally(note=3), _counts(note=10), _counts(note=12))
        if o.kind == "note"
    ]
    assert (note.expected, note.found, note.lost, note.duplicated) == (3, 2, 1, 0)


def test_rows_nobody_was_told_about_are_duplicates():
    """Two approvals answered 409 but both numbered the order: the database has more
    than the successes counted."""
    (approved,) = [
        o
        for o in reconcile.compare(
            _tally(order_approve=1), _counts(order_approve=4), _counts(order_approve=6)
        )
        if o.kind == "order_approve"
    ]
    assert (approved.lost, approved.duplicated) == (0, 1)


def test_order_numbers_without_gap_pass():
    assert reconcile.number_gaps([(2026, 1), (2026, 3), (2026, 2)], {2026: 3}) == []


@pytest.mark.parametrize(
    ("numbers", "counters", "problem"),
    [
        ([(2026, 1), (2026, 3)], {2026: 3}, "manquants [2]"),
        ([(2026, 1), (2026, 2), (2026, 2)], {2026: 2}, "en double [2]"),
        ([(2026, 1), (2026, 2)], {2026: 3}, "compteur à 3"),
    ],
)
def test_order_number_problems_are_named(numbers, counters, problem):
    (found,) = reconcile.number_gaps(numbers, counters)
    assert problem in found


def test_percentiles_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert reconcile.percentile(values, 0.5) == 50
    assert reconcile.percentile(values, 0.95) == 95
    assert reconcile.percentile([], 0.95) is None


def test_tally_read_and_latency_by_kind(tmp_path):
    path = tmp_path / "tally.json"
    path.write_text(
        json.dumps(
            {
                "users": {"officer": 2},
                "requests": 4,
                "errors": 0,
                "server_errors": 0,
                "conflicts": 1,
                "unfinished": 0,
                "writes": {"note": 1},
                "times": {"GET /a": ["page", [10, 30]], "GET /b": ["fragment", [5, 7]]},
                "failures": [],
            }
        )
    )
    tally = reconcile.Tally.read(path)
    assert tally.latency("page").count == 2
    assert tally.latency("fragment").p95 == 7
    assert tally.writes_total() == 1


def test_form_read_as_a_browser_submits_it():
    html = """
      <form method="post" action="/logout"><input type="hidden" name="csrf_token" value="t"></form>
      <form method="post" action="/households/3/letters" hx-post="/households/3/letters">
        <input type="hidden" name="csrf_token" value="t">
        <input name="subject" value="">
        <input type="checkbox" name="formal" value="y">
        <input type="checkbox" name="shared" value="y" checked>
        <select name="channel"><option value="lrar">LRAR</option>
          <option value="simple" selected>Simple</option></select>
        <select name="direction"><option value="sent">Envoyé</option></select>
        <textarea name="body">
Bonjour</textarea>
        <button type="submit" name="go">OK</button>
      </form>"""
    form = forms.form_posting_to(html, "/households/3/letters")
    assert form.data(subject="Convocation") == {
        "csrf_token": "t",
        "subject": "Convocation",
        "shared": "y",
        "channel": "simple",
        "direction": "sent",
        "body": "Bonjour",
    }
    assert form.options["channel"] == ["lrar", "simple"]
    assert forms.form_posting_to(html, having="body").action == "/households/3/letters"
    assert forms.form_posting_to(html, "/nowhere") is None
