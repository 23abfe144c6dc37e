"""French plural forms (capintra.text.ngettext): 0 and 1 take the singular."""

from __future__ import annotations

import pytest

from capintra.text import ngettext


@pytest.mark.parametrize(
    ("num", "expected"), [(0, "0 membre"), (1, "1 membre"), (2, "2 membres"), (12, "12 membres")]
)
def test_zero_and_one_are_singular(app_ctx, num, expected):
    with app_ctx.test_request_context():
        assert ngettext("%(num)d membre", "%(num)d membres", num) == expected


def test_templates_use_the_french_rule(app_ctx):
    from flask import render_template_string

    with app_ctx.test_request_context():
        page = render_template_string('{{ ngettext("%(num)d dossier", "%(num)d dossiers", 0) }}')
    assert page == "0 dossier"


def test_a_label_cut_around_its_placeholder_escapes_the_value_put_between(app_ctx):
    """text_around: a row's label translated once, the row's value put between its two
    parts — escaped as the whole translation with the value would be."""
    from flask import render_template_string

    page = (
        '{% set before, after = text_around("Décision du comité pour %(ref)s", "ref") %}'
        "{{ before }}{{ value }}{{ after }}|"
        '{{ _("Décision du comité pour %(ref)s", ref=value) }}'
    )
    with app_ctx.test_request_context():
        for value in ("MEN-2026-00042", '<b hx-get="/x">&'):
            cut, whole = render_template_string(page, value=value).split("|")
            assert cut == whole
    assert whole == "Décision du comité pour &lt;b hx-get=&#34;/x&#34;&gt;&amp;"
