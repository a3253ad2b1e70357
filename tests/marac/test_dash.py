from apps.marac import dash
from tests.marac.helpers import answers


def test_score_counts_yes_only():
    a = answers(10)
    a["q20"] = dash.NOT_KNOWN
    assert dash.score(a) == 10


def test_visible_high_risk_at_fourteen_by_default():
    def route(yes):
        return dash.routes(answers=answers(yes), high_risk_threshold=14,
                           professional_judgement=False, incidents_last_12_months=0,
                           escalation_threshold=3)
    assert not route(13).visible_high_risk
    assert route(14).visible_high_risk
    assert route(14).names == [dash.Route.VISIBLE_HIGH_RISK]
    assert not route(13).any


def test_professional_judgement_and_escalation_routes():
    r = dash.routes(answers=answers(2), high_risk_threshold=14, professional_judgement=True,
                    incidents_last_12_months=3, escalation_threshold=3)
    assert r.names == [dash.Route.PROFESSIONAL_JUDGEMENT, dash.Route.ESCALATION]
    below = dash.routes(answers=answers(2), high_risk_threshold=14,
                        professional_judgement=False, incidents_last_12_months=2,
                        escalation_threshold=3)
    assert not below.any
    off = dash.routes(answers=answers(2), high_risk_threshold=14, professional_judgement=False,
                      incidents_last_12_months=9, escalation_threshold=0)
    assert not off.escalation
