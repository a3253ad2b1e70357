"""Accessible SVG charts drawn by pygal, made safe for a strict CSP and for screen readers.

pygal draws the chart (scales, bars, axes, legend). Its output carries a ``<style>`` block, a
configuration ``<script>`` and a few ``style`` attributes, which a strict CSP blocks in a page
(and which we do not want): they are removed here, and the chart is styled by
``insight/charts.css`` through pygal's own class names, with a forced-colours (Windows high
contrast) block. The ``<svg>`` gets ``role="img"``, a ``<title>`` and a ``<desc>`` named by
``aria-labelledby``; the same figures are in the table beside it and in its CSV."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pygal
from django.utils.safestring import SafeString, mark_safe

from apps.insight.tables import Table

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
MAX_LABEL = 40
MAX_BARS = 15  # groups drawn: a chart of 200 agencies is unreadable (and slow to draw)


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"


def chart_svg(table: Table, *, element_id: str) -> SafeString:
    """The table's chart as inline SVG markup, or "" when it has no chart or no figures."""
    if table.chart is None or not table.rows:
        return SafeString("")
    spec = table.chart
    kind = pygal.HorizontalBar if spec.horizontal else pygal.Bar
    height = max(260, 60 + 34 * len(table.rows) * (len(spec.series) if spec.horizontal else 1)) \
        if spec.horizontal else 400
    chart = kind(js=[], css=[], no_prefix=True, disable_xml_declaration=True,
                 explicit_size=False, width=760, height=min(height, 1400), title=None,
                 show_legend=len(spec.series) > 1, legend_at_bottom=True,
                 legend_at_bottom_columns=min(len(spec.series), 3), print_values=False,
                 truncate_label=-1,
                 truncate_legend=-1, x_label_rotation=0 if spec.horizontal else 30,
                 margin=12, margin_bottom=36, spacing=8, **_unit_options(spec.unit))
    # pygal draws a horizontal chart's first row at the bottom: reversed, the chart reads top
    # to bottom in the order of the table beside it.
    rows = _plotted(table)
    rows = rows[::-1] if spec.horizontal else rows
    chart.x_labels = [_short(str(row[0])) for row in rows]
    for index in spec.series:
        chart.add(table.columns[index], [_number(row[index]) for row in rows])
    # ElementTree serialises the tree: every label and title (agency names…) is escaped.
    svg = _accessible(chart.render_tree(), table=table, element_id=element_id)
    return mark_safe(svg)  # noqa: S308


def _plotted(table: Table) -> list:
    """The rows drawn: all of them, or (a long table) the ``MAX_BARS`` with the largest
    figure in the chart's first column, in the table's order. The table shows every row."""
    if len(table.rows) <= MAX_BARS or table.chart is None or not table.chart.horizontal:
        return table.rows  # a time series is drawn whole
    weight = table.chart.weight if table.chart.weight is not None else table.chart.series[0]
    ranked = sorted(range(len(table.rows)),
                    key=lambda i: -(_number(table.rows[i][weight]) or 0))[:MAX_BARS]
    return [table.rows[i] for i in sorted(ranked)]


def _unit_options(unit: str) -> dict:
    if unit == "%":
        return {"range": (0, 100), "value_formatter": lambda v: f"{v:g}%"}
    return {}


def _accessible(root: ET.Element, *, table: Table, element_id: str) -> str:
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = _tag(element)
        drop = (tag in ("style", "script", "title", "desc") or not tag
                or "tooltip-overlay" in element.get("class", ""))
        if drop and element in parents:
            parents[element].remove(element)
            continue
        element.attrib.pop("style", None)
        element.attrib.pop("id", None)  # pygal's legend ids repeat in every chart of a page
    for name in ("id", "style", "xmlns"):
        root.attrib.pop(name, None)
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    root.set("id", element_id)
    root.set("role", "img")
    root.set("aria-labelledby", f"{title_id} {desc_id}")
    root.set("focusable", "false")
    root.set("class", "pygal-chart app-chart")
    title = ET.Element(f"{{{SVG_NS}}}title", {"id": title_id})
    title.text = table.title
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": desc_id})
    shown = len(_plotted(table))
    more = (f" The chart shows the {shown} largest of {len(table.rows)}."
            if shown < len(table.rows) else "")
    desc.text = (f"{table.description}{more} The figures are in the table that follows the "
                 "chart.")
    root.insert(0, desc)
    root.insert(0, title)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)
