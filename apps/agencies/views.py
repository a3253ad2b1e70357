from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.agencies import selectors, services
from apps.agencies.decorators import actor_required
from apps.agencies.forms import MemberAddForm, RoleForm
from apps.agencies.models import Role
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error


def _require_admin(request: HttpRequest) -> None:
    if request.actor.role != Role.AGENCY_ADMIN:
        raise Http404("No such page")


@actor_required
def members(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "agencies/members.html", {
        "memberships": list(selectors.membership_list_for_admin(actor=request.actor)[:500]),
    })


@actor_required
def member_add(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.member_create_or_add(
                actor=request.actor, **{k: v.strip() if isinstance(v, str) else v
                                        for k, v in form.cleaned_data.items()})
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if password:
                return render(request, "agencies/member_created.html",
                              {"membership": membership, "password": password})
            messages.success(request, f"{membership.user.username} added.")
            return redirect("agencies:members")
    return render(request, "agencies/member_add.html", {"form": form},
                  status=400 if form.errors else 200)


@actor_required
def member_role(request: HttpRequest, membership_id: str) -> HttpResponse:
    membership = selectors.membership_get_for_admin(actor=request.actor,
                                                    membership_id=membership_id)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
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
