"""The agency admin's webhook pages. Anyone else, and another agency's endpoints: 404.
Reads via ``selectors``, writes via ``services``; the rule is ``policy``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.agencies.decorators import actor_required
from apps.core.exceptions import ServiceError, TransitionNotAllowed
from apps.core.forms import add_service_error
from apps.core.pagination import keyset_page
from apps.webhooks import selectors, services
from apps.webhooks.forms import EndpointEditForm, EndpointForm
from apps.webhooks.policy import require_manage_webhooks

PAGE_SIZE = 50


def _admin(request: HttpRequest) -> None:
    require_manage_webhooks(actor=request.actor, hide=True)


def _page(queryset, request: HttpRequest):
    """A page of ``queryset``, newest first; a page link it did not hand out answers 400."""
    return keyset_page(queryset, ordering=("-created_at", "-id"),
                       cursor=request.GET.get("after"), page_size=PAGE_SIZE)


def _secret_page(request: HttpRequest, endpoint, secret: str, *, created: bool) -> HttpResponse:
    response = render(request, "webhooks/secret.html",
                      {"endpoint": endpoint, "secret": secret, "created": created})
    response["Cache-Control"] = "no-store"  # the secret is shown this once
    return response


@actor_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    page = _page(selectors.endpoint_list(actor=request.actor), request)
    return render(request, "webhooks/list.html",
                  {"endpoints": page.items, "next_after": page.next_cursor})


@actor_required
@require_http_methods(["GET", "POST"])
def endpoint_new(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(actor=request.actor,
                                                        **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return _secret_page(request, endpoint, secret, created=True)
    return render(request, "webhooks/form.html", {"form": form},
                  status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, webhook_id: str) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(actor=request.actor, endpoint_id=webhook_id)
    initial = {"url": endpoint.url, "description": endpoint.description,
               "events": endpoint.events, "active": endpoint.active}
    form = EndpointEditForm(request.POST if request.method == "POST" else None,
                            initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(actor=request.actor, endpoint=endpoint,
                                     **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("webhooks:list")
    return render(request, "webhooks/form.html", {"form": form, "endpoint": endpoint},
                  status=400 if form.errors else 200)


@actor_required
@require_POST
def endpoint_rotate(request: HttpRequest, webhook_id: str) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(actor=request.actor, endpoint_id=webhook_id)
    endpoint, secret = services.endpoint_rotate_secret(actor=request.actor, endpoint=endpoint)
    return _secret_page(request, endpoint, secret, created=False)


@actor_required
@require_POST
def endpoint_test(request: HttpRequest, webhook_id: str) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(actor=request.actor, endpoint_id=webhook_id)
    try:
        services.endpoint_send_test(actor=request.actor, endpoint=endpoint)
    except TransitionNotAllowed as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Test event queued. Its result appears below in a few "
                                  "seconds: refresh the page.")
    return redirect("webhooks:deliveries", webhook_id=endpoint.pk)


@actor_required
def delivery_list(request: HttpRequest, webhook_id: str) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(actor=request.actor, endpoint_id=webhook_id)
    page = _page(selectors.delivery_list(endpoint=endpoint), request)
    return render(request, "webhooks/deliveries.html", {
        "endpoint": endpoint, "deliveries": page.items, "next_after": page.next_cursor})


@actor_required
@require_POST
def delivery_resend(request: HttpRequest, webhook_id: str, delivery_id: str) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(actor=request.actor, endpoint_id=webhook_id)
    delivery = selectors.delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    try:
        services.delivery_resend(actor=request.actor, delivery=delivery)
    except TransitionNotAllowed as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "The delivery will be sent again in a few seconds.")
    return redirect("webhooks:deliveries", webhook_id=endpoint.pk)
