from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def actor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and acting for an agency; otherwise sign-in, or a plain explanation."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.actor is None:
            return render(request, "no_agency.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
