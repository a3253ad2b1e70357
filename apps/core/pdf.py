"""PDF printouts with fpdf2 (pure Python, no system libraries): the font they share."""

from __future__ import annotations

import glob
import logging


def unicode_font() -> str:
    """A Unicode TrueType font from the system (DejaVu Sans where installed)."""
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every glyph at INFO
    for pattern in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/**/DejaVuSans.ttf", "/usr/share/fonts/**/*.ttf"):
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    raise FileNotFoundError("no TrueType font for the printout")


def unicode_bold_font() -> str | None:
    """The bold face of ``unicode_font`` when the system has it."""
    found = sorted(glob.glob("/usr/share/fonts/**/DejaVuSans-Bold.ttf", recursive=True))
    return found[0] if found else None
