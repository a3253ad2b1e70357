"""The notifications page: the user's own notifications for the agency they act for, mark
read, and email preference."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.exceptions import ServiceError
from apps.core.forms import Form, add_service_error
from apps.notifications import selectors, services
from apps.notifications.models import EmailMode


class PreferenceForm(Form):
    email_mode = forms.ChoiceField(
        label="Email me about notifications", choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text="Emails never contain personal details: they link back to Wraparound.",
        error_messages={"required": "Choose how you want to be emailed.",
                        "invalid_choice": "Choose how you want to be emailed."})


def _page(request: HttpRequest, form: PreferenceForm | None = None) -> HttpResponse:
    page = selectors.notification_page(actor=request.actor, cursor=request.GET.get("cursor"))
    form = form or PreferenceForm(initial={"email_mode": selectors.email_mode(request.user)})
    return render(request, "notifications/notification_list.html", {
        "page": page, "form": form, "first_page": not request.GET.get("cursor"),
    }, status=400 if form.errors else 200)


@login_required
def notification_index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Mark one read; with ``open`` go on to what it is about."""
    notification = selectors.notification_get(actor=request.actor,
                                              notification_id=notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notification_mark_all_read(actor=request.actor)
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked as read.")
    return redirect("notifications:list")


@login_required
@require_POST
def preference_set(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.notification_preference_set(user=request.user,
                                                 email_mode=form.cleaned_data["email_mode"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Email preference saved.")
            return redirect("notifications:list")
    return _page(request, form)
