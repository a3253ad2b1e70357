from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from apps.agencies import selectors, services
from apps.agencies.decorators import actor_required
from apps.agencies.forms import MemberAddForm, MemberRequestForm, RoleForm, SecondmentDecisionForm
from apps.agencies.models import Role, SecondmentStatus
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.core.pagination import InvalidCursor, keyset_page

MEMBERS_PAGE_SIZE = 50


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _require_admin(request: HttpRequest) -> None:
    if request.actor.role != Role.AGENCY_ADMIN:
        raise Http404("No such page")


@actor_required
def members(request: HttpRequest) -> HttpResponse:
    """The acting agency's staff, active or ended, a page at a time (keyset: username, id)."""
    _require_admin(request)
    ended = request.GET.get("status") == "ended"
    memberships = (selectors.membership_list_for_admin(actor=request.actor)
                   .filter(ended_at__isnull=not ended))
    try:  # an id cursor: a username must not reach a URL
        page = keyset_page(memberships, ordering=("user__username", "pk"),
                           cursor=request.GET.get("after"), page_size=MEMBERS_PAGE_SIZE,
                           cursor_by="pk")
    except InvalidCursor as exc:
        raise Http404("No such page") from exc
    return render(request, "agencies/members.html", {
        "secondments_waiting": selectors.secondment_requests_to_decide(
            actor=request.actor).count(),
        "memberships": page.items, "next_after": page.next_cursor, "ended": ended,
    })


@actor_required
def member_add(request: HttpRequest) -> HttpResponse:
    """Create a new account in the acting agency (its one-time password is shown once)."""
    _require_admin(request)
    form = MemberAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.member_create(
                actor=request.actor, **_stripped(form.cleaned_data))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            response = render(request, "agencies/member_created.html",
                              {"membership": membership, "password": password})
            response["Cache-Control"] = "no-store"  # the password is shown this once
            return response
    return render(request, "agencies/member_add.html", {"form": form},
                  status=400 if form.errors else 200)


@actor_required
def member_request(request: HttpRequest) -> HttpResponse:
    """Add someone who already has an account: their home agency's admin is asked to agree.
    The answer is the same whether or not the username exists."""
    _require_admin(request)
    form = MemberRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_request_create(actor=request.actor,
                                               **_stripped(form.cleaned_data))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, services.SECONDMENT_REQUESTED)
            return redirect("agencies:members")
    return render(request, "agencies/member_request.html", {"form": form},
                  status=400 if form.errors else 200)


def _stripped(data: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


@actor_required
def secondments(request: HttpRequest) -> HttpResponse:
    """Requests from other agencies to add this agency's staff: its agency admins decide."""
    _require_admin(request)
    form = SecondmentDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        secondment = selectors.secondment_request_get_to_decide(
            actor=request.actor, secondment_id=form.cleaned_data["secondment"])
        name = secondment.user.username
        try:
            if form.cleaned_data["decision"] == "accept":
                secondment = services.secondment_request_accept(actor=request.actor,
                                                                secondment=secondment)
            else:
                secondment = services.secondment_request_refuse(actor=request.actor,
                                                                secondment=secondment)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, {
                SecondmentStatus.ACCEPTED: f"{name} is now also a member of "
                                           f"{secondment.agency.name}.",
                SecondmentStatus.REFUSED: f"Request refused: {name} was not added to "
                                          f"{secondment.agency.name}.",
                SecondmentStatus.CANCELLED: "That request no longer applies (the person has "
                                            "left your agency, or is already a member there), "
                                            "so it was closed.",
            }[secondment.status])
        return redirect("agencies:secondments")
    return render(request, "agencies/secondments.html", {
        "form": form, "requests": selectors.secondment_requests_to_decide(actor=request.actor),
    }, status=400 if form.errors else 200)


@actor_required
def member_role(request: HttpRequest, membership_id: str) -> HttpResponse:
    membership = selectors.membership_get_for_admin(actor=request.actor,
                                                    membership_id=membership_id)
    form = RoleForm(_posted(request), initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(actor=request.actor, membership=membership,
                                            role=form.cleaned_data["role"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{membership.user.username}'s role changed.")
            return redirect("agencies:members")
    return render(request, "agencies/member_role.html", {"membership": membership, "form": form},
                  status=400 if form.errors else 200)


@actor_required
def member_end(request: HttpRequest, membership_id: str) -> HttpResponse:
    membership = selectors.membership_get_for_admin(actor=request.actor,
                                                    membership_id=membership_id)
    error = None
    if request.method == "POST":
        try:
            services.membership_end(actor=request.actor, membership=membership)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"{membership.user.username}'s membership has ended "
                                      "and they have been signed out.")
            return redirect("agencies:members")
    return render(request, "agencies/member_end.html", {
        "membership": membership, "error": error,
        "open_work": selectors.member_open_work(membership=membership),
    }, status=400 if error else 200)
