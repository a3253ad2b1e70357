from __future__ import annotations

from apps.insight.charts import MAX_BARS, chart_svg
from apps.insight.tables import Chart, Table


def _table(rows: int) -> Table:
    return Table(key="t", title="Referrals <by> agency", description="Counts.",
                 columns=["Agency", "Referrals"],
                 rows=[[f"Agency {i}", i] for i in range(rows)], chart=Chart(series=(1,)))


def test_chart_is_accessible_svg_without_inline_style_or_script():
    svg = str(chart_svg(_table(3), element_id="chart-t"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="chart-t-title chart-t-desc"' in svg
    assert '<title id="chart-t-title">Referrals &lt;by&gt; agency</title>' in svg
    assert "<style" not in svg and "style=" not in svg and "<script" not in svg
    assert svg.count('id="') == 3  # the svg, its title and its desc: no repeated ids


def test_long_tables_draw_the_largest_rows_and_say_so():
    svg = str(chart_svg(_table(40), element_id="chart-t"))
    assert f"The chart shows the {MAX_BARS} largest of 40." in svg
    assert "Agency 39" in svg and "Agency 3<" not in svg


def test_no_rows_no_chart():
    assert chart_svg(_table(0), element_id="x") == ""
