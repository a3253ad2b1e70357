from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from apps.accounts.forms import ApiTokenForm, SignInForm, SwitchAgencyForm, TokenForm
from apps.accounts.selectors import api_token_get, api_token_list
from apps.accounts.services import api_token_create, api_token_revoke
from apps.accounts.two_factor import (
    NEEDS_VERIFIED,
    backup_codes_regenerate,
    totp_confirm,
    totp_device_pending,
    two_factor_change_allowed,
    two_factor_remove,
    two_factor_verify,
)
from apps.agencies.actor import Actor
from apps.agencies.middleware import SESSION_KEY
from apps.agencies.models import Membership
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def home(request: HttpRequest) -> HttpResponse:
    """The work tray for a signed-in member (apps/work); sign-in for anyone else."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    from apps.work.views import tray_page

    return tray_page(request)


@login_required
def switch_agency(request: HttpRequest) -> HttpResponse:
    """Choose which of the user's active memberships they act for (kept in the session)."""
    memberships = request.memberships
    if not memberships:
        return render(request, "no_agency.html", status=403)
    wanted = request.POST.get("membership") if request.method == "POST" else None
    if wanted and not any(str(m.pk) == wanted for m in memberships):
        raise Http404("No such membership")  # someone else's, ended, or made up
    form = SwitchAgencyForm(_posted(request), memberships=memberships,
                            initial={"membership": str(request.actor.membership.pk)})
    if request.method == "POST" and form.is_valid():
        chosen = next(m for m in memberships if str(m.pk) == form.cleaned_data["membership"])
        request.session[SESSION_KEY] = str(chosen.pk)
        messages.success(request, f"You are now acting for {chosen.agency.name}.")
        return redirect("accounts:home")
    return render(request, "accounts/switch_agency.html", {"form": form},
                  status=400 if form.errors else 200)


def _actor_for(request: HttpRequest, membership: Membership) -> Actor:
    """Who changes a token: the signed-in user, acting for their chosen agency, or (when they
    act for none, e.g. after every membership ended) for the token's own membership."""
    return request.actor or Actor(user=request.user, membership=membership)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = request.memberships
    form = ApiTokenForm(_posted(request), memberships=memberships)
    new_key = None
    if request.method == "POST":
        if not memberships:
            raise Http404
        if form.is_valid():
            membership = next(m for m in memberships
                              if str(m.pk) == form.cleaned_data["membership"])
            _token, new_key = api_token_create(actor=_actor_for(request, membership),
                                              membership=membership,
                                              name=form.cleaned_data["name"])
            form = ApiTokenForm(memberships=memberships)
    response = render(request, "accounts/profile.html", {
        "form": form, "new_key": new_key, "tokens": api_token_list(user=request.user),
        "two_factor_required": settings.WRAPAROUND_REQUIRE_2FA,
    }, status=400 if form.errors else 200)
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is shown this once: keep it uncached
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = api_token_get(user=request.user, token_id=token_id)
    api_token_revoke(actor=_actor_for(request, token.membership), token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:profile")


def _verify_first(request: HttpRequest, next_url: str) -> HttpResponse:
    messages.info(request, NEEDS_VERIFIED)
    return redirect(f"{reverse('accounts:two-factor-verify')}?{urlencode({'next': next_url})}")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: the first one from any signed-in session, a replacement
    only from a verified one (a backup code verifies the session when the phone is lost)."""
    if not two_factor_change_allowed(request=request):
        return _verify_first(request, reverse("accounts:two-factor-setup"))
    device = totp_device_pending(request=request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_confirm(request=request, device=device,
                                 token=form.cleaned_data["token"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "secret": b32encode(device.bin_key).decode(),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "replacing": user_has_device(request.user, confirmed=True),
    }, status=400 if form.errors else 200)


@login_required
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_verify(request=request, token=form.cleaned_data["token"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                next_url = reverse("accounts:home")
            return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        raise Http404
    codes = backup_codes_regenerate(request=request)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_remove_view(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off (a verified session only, like new backup codes)."""
    if not request.user.is_verified():
        raise Http404
    try:
        two_factor_remove(request=request)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Two-factor sign-in is off. Your authenticator app and backup "
                                  "codes no longer work for this account.")
    return redirect("accounts:profile")
