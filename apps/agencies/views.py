from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from apps.agencies import selectors, services
from apps.agencies.decorators import actor_required
from apps.agencies.forms import MemberAddForm, RoleForm
from apps.agencies.models import Role
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
        "memberships": page.items, "next_after": page.next_cursor, "ended": ended,
    })


@actor_required
def member_add(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = MemberAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.member_create_or_add(
                actor=request.actor, **{k: v.strip() if isinstance(v, str) else v
                                        for k, v in form.cleaned_data.items()})
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if password:
                response = render(request, "agencies/member_created.html",
                                  {"membership": membership, "password": password})
                response["Cache-Control"] = "no-store"  # the password is shown this once
                return response
            messages.success(request, f"{membership.user.username} added.")
            return redirect("agencies:members")
    return render(request, "agencies/member_add.html", {"form": form},
                  status=400 if form.errors else 200)


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
    return render(request, "agencies/member_end.html", {"membership": membership, "error": error},
                  status=400 if error else 200)
