"""Small wording helpers shared by messages, chronology entries and templates."""

from __future__ import annotations


def possessive(name: object) -> str:
    """"Safe Haven's", but "Children's Services'" and "Housing Options'" (no "s's")."""
    text = str(name)
    return f"{text}'" if text.endswith("s") else f"{text}'s"
