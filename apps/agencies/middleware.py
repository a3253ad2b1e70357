from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.agencies.actor import Actor, active_memberships

SESSION_KEY = "acting_membership_id"


class ActingAgencyMiddleware:
    """Sets ``request.actor``: the signed-in user acting for one of their active memberships.

    The choice lives in the session; an ended membership is never chosen, so access ends at
    once. API requests authenticated by token get their actor from the token instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = active_memberships(user=request.user)
            request.memberships = memberships
            if memberships:
                wanted = request.session.get(SESSION_KEY)
                chosen = next((m for m in memberships if str(m.id) == str(wanted)),
                              memberships[0])
                request.actor = Actor(user=request.user, membership=chosen)
        return self.get_response(request)
