"""The relocation report's charts: SVG drawn on the server by pygal, served as images.

pygal's output is made static: its scripts (tooltips, configuration) and the tooltip's
`style=` attribute are removed, so the SVG holds no script and only `<style>` elements,
which the image's own Content-Security-Policy allows by their hashes (`svg_csp`) — no
'unsafe-inline'. The page shows every chart with its figures in a table beside it.
"""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET  # noqa: S405 (we write XML, never parse untrusted input)

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from capintra.reports.report import Report

_SVG = "{http://www.w3.org/2000/svg}"

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#0d6efd", "#b02a37", "#198754"),
    font_family="system-ui, sans-serif",
)


def _static(chart) -> tuple[str, list[str]]:
    """The chart as SVG text without any script or style attribute, and the text of each
    of its `<style>` elements."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in ("script", f"{_SVG}script"):
                parent.remove(child)
    for element in tree.iter():
        element.attrib.pop("style", None)
    styles = [el.text or "" for el in tree.iter() if el.tag in ("style", f"{_SVG}style")]
    return ET.tostring(tree, encoding="unicode"), styles


def svg_csp(styles: list[str]) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in styles
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {hashes}" if hashes else "style-src 'none'",
            "script-src 'none'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _config(**kw):
    return {
        "style": _STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "tooltip_border_radius": 0,
        "width": 800,
        "height": 400,
        "legend_at_bottom": True,
        "no_data_text": _("Aucune donnée"),
        "print_values": False,
        **kw,
    }


def _ceiling(value: int, step: int) -> int:
    """The smallest multiple of `step` at or above `value`, never 0 (an empty axis)."""
    return max(step, -(-value // step) * step)


def months_chart(report: Report, title: str, relocated: str, left: str) -> tuple[str, list[str]]:
    """Final relocations per month (bars) against what was left to do (line)."""
    # A label every quarter (more would overlap); the monthly counts on their own axis,
    # on the right, so that they do not vanish beside the hundreds left to do. Both axes
    # get five steps with whole numbers: pygal places the right axis's labels at the left
    # axis's heights.
    left_top = _ceiling(max((m.left_to_do for m in report.months), default=0), 50)
    right_top = _ceiling(max((m.relocated for m in report.months), default=0), 5)
    chart = pygal.Bar(
        **_config(
            title=title,
            x_label_rotation=30,
            x_labels_major_every=3,
            show_minor_x_labels=False,
            range=(0, left_top),
            y_labels=[left_top * step // 5 for step in range(6)],
            secondary_range=(0, right_top),
        )
    )
    chart.x_labels = [m.label for m in report.months]
    chart.add(left, [m.left_to_do for m in report.months])
    chart.add(relocated, [m.relocated for m in report.months], secondary=True)
    return _static(chart)


def buildings_chart(
    report: Report, title: str, done: str, labels: list[str]
) -> tuple[str, list[str]]:
    """Each building's share of households relocated or gone, in percent."""
    lines = report.progress_lines
    # One bar of readable height per building, whatever their number.
    chart = pygal.HorizontalBar(
        **_config(
            title=title,
            range=(0, 100),
            show_legend=False,
            height=max(400, 90 + 22 * len(lines)),
        )
    )
    chart.x_labels = labels[: len(lines)]
    chart.add(done, [float((line.progress or 0) * 100) for line in lines])
    return _static(chart)
