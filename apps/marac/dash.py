"""The DASH risk identification checklist (SafeLives DASH RIC): 24 questions and their scoring.

Scoring is pure: the number of "yes" answers. Routes to MARAC are shown, never decided here:
visible high risk (``yes`` count at or over the area's threshold, 14 by default), professional
judgement (the assessor's, with a rationale) and potential escalation (incidents in the last 12
months at or over the area's threshold).
"""

from __future__ import annotations

from dataclasses import dataclass

YES, NO, NOT_KNOWN = "yes", "no", "not_known"
ANSWERS = [(YES, "Yes"), (NO, "No"), (NOT_KNOWN, "Not known")]

QUESTIONS: list[tuple[str, str]] = [
    ("q01", "Has the current incident resulted in injury?"),
    ("q02", "Is the victim very frightened?"),
    ("q03", "What is the victim afraid of? Is it further injury or violence?"),
    ("q04", "Does the victim feel isolated from family or friends?"),
    ("q05", "Is the victim feeling depressed or having suicidal thoughts?"),
    ("q06", "Has the victim separated or tried to separate from the abuser in the past year?"),
    ("q07", "Is there conflict over child contact?"),
    ("q08", "Does the abuser constantly text, call, contact, follow, stalk or harass the victim?"),
    ("q09", "Is the victim pregnant or has the victim recently had a baby?"),
    ("q10", "Is the abuse happening more often?"),
    ("q11", "Is the abuse getting worse?"),
    ("q12", "Does the abuser try to control everything the victim does or are they "
            "excessively jealous?"),
    ("q13", "Has the abuser ever used weapons or objects to hurt the victim?"),
    ("q14", "Has the abuser ever threatened to kill the victim or someone else, and the victim "
            "believed them?"),
    ("q15", "Has the abuser ever attempted to strangle, choke, suffocate or drown the victim?"),
    ("q16", "Does the abuser do or say things of a sexual nature that make the victim feel "
            "bad or that physically hurt them or someone else?"),
    ("q17", "Is there any other person who has threatened the victim or whom the victim is "
            "afraid of?"),
    ("q18", "Does the victim know if the abuser has hurt anyone else?"),
    ("q19", "Has the abuser ever mistreated an animal or the family pet?"),
    ("q20", "Are there any financial issues?"),
    ("q21", "Has the abuser had problems in the past year with drugs, alcohol or mental "
            "health leading to problems in leading a normal life?"),
    ("q22", "Has the abuser ever threatened or attempted suicide?"),
    ("q23", "Has the abuser ever broken bail, an injunction or a formal agreement?"),
    ("q24", "Does the victim know if the abuser has ever been in trouble with the police or "
            "has a criminal history?"),
]
QUESTION_KEYS = [key for key, _ in QUESTIONS]
QUESTION_TEXT = dict(QUESTIONS)


class Route:
    VISIBLE_HIGH_RISK = "visible_high_risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    ESCALATION = "escalation"
    LABELS = {
        VISIBLE_HIGH_RISK: "Visible high risk",
        PROFESSIONAL_JUDGEMENT: "Professional judgement",
        ESCALATION: "Potential escalation",
    }
    CHOICES = list(LABELS.items())


def score(answers: dict[str, str]) -> int:
    """The number of "yes" answers."""
    return sum(1 for key in QUESTION_KEYS if answers.get(key) == YES)


@dataclass(frozen=True)
class Routes:
    visible_high_risk: bool
    professional_judgement: bool
    escalation: bool

    @property
    def any(self) -> bool:
        return self.visible_high_risk or self.professional_judgement or self.escalation

    @property
    def names(self) -> list[str]:
        return [name for name, on in ((Route.VISIBLE_HIGH_RISK, self.visible_high_risk),
                                      (Route.PROFESSIONAL_JUDGEMENT, self.professional_judgement),
                                      (Route.ESCALATION, self.escalation)) if on]

    @property
    def labels(self) -> list[str]:
        return [Route.LABELS[name] for name in self.names]


def routes(*, answers: dict[str, str], high_risk_threshold: int, professional_judgement: bool,
           incidents_last_12_months: int, escalation_threshold: int) -> Routes:
    return Routes(
        visible_high_risk=score(answers) >= high_risk_threshold,
        professional_judgement=professional_judgement,
        escalation=escalation_threshold > 0 and incidents_last_12_months >= escalation_threshold,
    )
