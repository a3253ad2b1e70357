"""Every form shows every error at once, each naming its field (apps/core/forms.py).

Two layers: every form class in the product is built on the shared mechanism (named
messages, ``maxlength`` on every one-line input), and every form page we can reach with the
test world, posted blank and posted over-long, lists every error of every field at once in
the one GOV.UK error summary.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from html import unescape

import pytest
from django import forms
from django.urls import reverse

import apps
from apps.core.forms import GovukFormMixin, field_name, govuk_field
from apps.core.limits import LINE_MAX_LENGTH
from apps.referrals.models import Referral, ReferralStatus
from apps.referrals.services import referral_accept
from tests.conftest import client_for
from tests.factories import actor_of
from tests.referrals.helpers import make_referral

DJANGO_DEFAULTS = ("This field is required.", "Ensure this value has at most",
                   "Select a valid choice")


def _product_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(apps.__path__, "apps."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "views", "filters", "import_forms",
                                               "service_views"} and ".migrations" not in (
                module.name):
            importlib.import_module(module.name)
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("apps."):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__name__}")


PRODUCT_FORMS = _product_forms()


def test_the_product_has_forms_to_check():
    assert len(PRODUCT_FORMS) > 40


@pytest.mark.parametrize("form_class", PRODUCT_FORMS, ids=lambda cls: cls.__name__)
def test_every_form_uses_the_shared_mechanism(form_class):
    """Named messages for every field and a length limit on every text field."""
    assert issubclass(form_class, GovukFormMixin), form_class
    for name, base in form_class.base_fields.items():
        field = base.__deepcopy__({})
        govuk_field(field, name)
        label = field_name(field, name)
        for key in ("required", "max_length", "invalid_choice"):
            message = str(field.error_messages.get(key, ""))
            assert not message.startswith(DJANGO_DEFAULTS), (form_class, name, key, message)
        if isinstance(field, forms.CharField) and not isinstance(field.widget,
                                                                 forms.HiddenInput):
            assert field.max_length, (form_class, name)
            message = str(field.error_messages["max_length"])
            assert message.startswith(label) or "characters or fewer" in message, (
                form_class, name, message)


def test_a_one_line_field_without_a_limit_gets_one_and_says_which_field():
    class Example(GovukFormMixin, forms.Form):
        title = forms.CharField(label="Meeting title")
        colour = forms.ChoiceField(label="Favourite colour (optional)",
                                   choices=[("red", "Red")], required=False)

    form = Example({"title": "x" * (LINE_MAX_LENGTH + 1), "colour": "blue"})
    assert not form.is_valid()
    assert form.errors["title"] == [f"Meeting title must be {LINE_MAX_LENGTH} characters or "
                                    "fewer"]
    assert form.errors["colour"] == ["Select the favourite colour from the list"]
    assert f'maxlength="{LINE_MAX_LENGTH}"' in str(form["title"])
    assert Example({}).errors["title"] == ["Enter the meeting title"]


# --- every reachable form page, posted blank and over-long -----------------------------------

Page = tuple[str, Callable, str, dict]


def _case(world, shared_case):
    return {"case_id": shared_case.pk}


def _person(world, shared_case):
    return {"person_id": shared_case.subject_id}


def _referral(world, shared_case):
    if not hasattr(world, "form_referral"):
        world.form_referral = make_referral(world=world, case=shared_case)
    return {"referral_id": world.form_referral.pk}


def _none(world, shared_case):
    return {}


PAGES: list[Page] = [
    # (url name, url kwargs, who posts, extra data such as the button pressed)
    ("people:create", _none, "lead_practitioner", {}),
    ("people:open-case", _person, "lead_practitioner", {"risk_level": ""}),
    ("cases:edit", _case, "lead_practitioner", {}),
    ("cases:note-add", _case, "lead_practitioner", {}),
    ("cases:person-add", _case, "lead_practitioner", {}),
    ("cases:involvement-add", _case, "lead_manager", {}),
    ("referrals:new", _case, "lead_practitioner", {"action": "submit"}),
    ("referrals:decline", _referral, "partner_practitioner", {}),
    ("referrals:request-info", _referral, "partner_practitioner", {}),
    ("referrals:complete", _referral, "partner_practitioner", {}),
    ("consent:dsa-new", _none, "lead_admin", {}),
    ("consent:emergency-access", _none, "outsider_practitioner", {}),
    ("consent:person-consents", _person, "lead_practitioner", {}),
    ("marac:checklist-new", _case, "lead_practitioner", {}),
    ("action_plans:action-new", _case, "lead_practitioner", {}),
    ("records:sar-open", _none, "lead_admin", {}),
    ("records:person-correct", _person, "lead_practitioner", {}),
    ("agencies:member-add", _none, "lead_admin", {}),
    ("services:new", _none, "lead_admin", {}),
]


def _summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    assert match, "no error summary"
    return unescape(match.group(0))


def _visible_fields(form):
    return [bound for bound in form if not bound.is_hidden]


def _post(world, shared_case, page: Page, data: dict):
    name, kwargs, who, extra = page
    if name == "referrals:complete":  # only an accepted referral can be completed
        referral_id = kwargs(world, shared_case)["referral_id"]
        referral = Referral.objects.get(pk=referral_id)
        if referral.status != ReferralStatus.ACCEPTED:
            referral_accept(actor=actor_of(world.partner_practitioner), referral=referral)
        url = reverse(name, kwargs={"referral_id": referral_id})
    else:
        url = reverse(name, kwargs=kwargs(world, shared_case))
    # a field no form has: an empty POST would leave `request.POST or None` forms unbound
    return client_for(getattr(world, who)).post(url, {"blank": "", **data, **extra})


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page[0])
def test_a_blank_form_lists_every_missing_answer_at_once(world, shared_case, page):
    response = _post(world, shared_case, page, {})
    assert response.status_code == 400, response.status_code
    form = response.context["form"]
    summary = _summary(response.content.decode())
    required = [bound for bound in _visible_fields(form)
                if bound.field.required and not isinstance(bound.field, forms.BooleanField)]
    for bound in required:
        assert bound.errors, (bound.name, "required but no error")
    for bound in _visible_fields(form):
        for error in bound.errors:
            assert f'href="#{bound.id_for_label}">{error}</a>' in summary, (bound.name, error)
            assert not error.startswith(DJANGO_DEFAULTS), error


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page[0])
def test_an_over_long_form_names_each_field_that_is_too_long(world, shared_case, page):
    probe = _post(world, shared_case, page, {})
    texts = [bound for bound in _visible_fields(probe.context["form"])
             if isinstance(bound.field, forms.CharField)
             and not isinstance(bound.field, forms.URLField)]
    data = {bound.html_name: "x" * 10_001 for bound in texts}
    response = _post(world, shared_case, page, data)
    assert response.status_code == 400
    body = response.content.decode()
    summary = _summary(body)
    assert "Ensure this value" not in body
    for bound in texts:
        limit = bound.field.max_length
        name = field_name(bound.field, bound.name)
        message = f"{name} must be {limit:,} characters or fewer"
        assert message in summary, (bound.name, message)
        if not isinstance(bound.field.widget, forms.Textarea):
            assert f'maxlength="{limit}"' in body, bound.name


@pytest.mark.django_db
def test_a_blank_referral_lists_service_reason_basis_who_consented_and_when_at_once(
        world, shared_case):
    """The issue's five round trips, in one: then, with consent chosen, its two parts."""
    client = client_for(world.lead_practitioner)
    url = reverse("referrals:new", args=[shared_case.pk])
    summary = _summary(client.post(url, {"action": "submit", "reason": "",
                                         "shared_information": ""}).content.decode())
    for message in ("Choose the service you are referring to.",
                    "Enter the reason for the referral.",
                    "Enter what you are sharing with the receiving agency.",
                    "Record the basis for sharing"):
        assert message in summary, message
    summary = _summary(client.post(url, {"action": "submit", "sharing_kind": "consent",
                                         "person_told": "no"}).content.decode())
    for message in ("Choose the service you are referring to.",
                    "Enter the reason for the referral.", "Select who gave consent.",
                    "Enter the date consent was given.",
                    "Explain why the person has not been told."):
        assert message in summary, message

