"""The meeting pack as an A4 PDF (fpdf2: pure Python, already used for subject access
bundles; no system libraries beyond a TrueType font). Built from the same ``PackCase`` rows as
the HTML pack, so it shows exactly what the reader's scopes allow; each case starts a page."""

from __future__ import annotations

from apps.core.dates import format_datetime
from apps.core.pdf import unicode_bold_font, unicode_font
from apps.marac.pack import PackCase, action_lines, summary_lines

MARKING = "OFFICIAL – SENSITIVE. Confidential MARAC information."
_PLAIN = str.maketrans({"–": "-", "—": "-", "•": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


def _latin1(value: str) -> str:
    """Text the PDF core fonts can draw (used only when no TrueType font is installed)."""
    return value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def build(*, meeting, rows: list[PackCase]) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    try:
        regular = unicode_font()
    except FileNotFoundError:  # no TrueType font installed: the PDF core font, Latin-1 only
        family, clean = "helvetica", _latin1
    else:
        family, clean = "dejavu", str
        pdf.add_font("dejavu", fname=regular)
        pdf.add_font("dejavu", style="B", fname=unicode_bold_font() or regular)
    line = {"w": 0, "new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    def font(*, size: float, style: str = "") -> None:
        pdf.set_font(family, style=style, size=size)

    def text(value: str, *, size: float = 10, style: str = "") -> None:
        font(size=size, style=style)
        pdf.multi_cell(**line, text=clean(value[:20_000]))

    pdf.add_page()
    text(MARKING, size=9, style="B")
    text(f"Meeting pack: {meeting.area.name} MARAC, {format_datetime(meeting.starts_at)}",
         size=15, style="B")
    text(f"{len(rows)} case{'s' if len(rows) != 1 else ''}. Research was due by "
         f"{format_datetime(meeting.research_due_at)}.", size=9)
    text(meeting.confidentiality_statement, size=8)
    for index, row in enumerate(rows):
        if index:
            pdf.add_page()
            text(MARKING, size=9, style="B")
        pdf.ln(2)
        text(f"{row.number}. Case {row.case.reference}"
             f"{'  (repeat)' if row.item.is_repeat else ''}", size=13, style="B")
        for label, value in summary_lines(row):
            font(size=9, style="B")
            pdf.cell(w=48, h=5, text=clean(label))
            font(size=9)
            pdf.multi_cell(w=0, h=5, text=clean(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        text("Outstanding actions", size=11, style="B")
        if not row.plan_shown:
            text("Not shared with your agency.", size=9)
        else:
            if row.own_actions_only:
                text("Only your agency's actions are shown.", size=8)
            for entry in action_lines(row) or ["None."]:
                text(f"• {entry}", size=9)
        pdf.ln(1)
        text("Research", size=11, style="B")
        for research in row.received:
            text(research.agency.name, size=9, style="B")
            text(research.text, size=9)
        if row.nothing_held:
            text("Nothing relevant held: " + ", ".join(row.nothing_held), size=9)
        if row.not_received:
            text("Not received: " + ", ".join(row.not_received), size=9)
        if not (row.received or row.nothing_held or row.not_received):
            text("No research requested.", size=9)
    return bytes(pdf.output())
