from django.http import HttpRequest


def acting_agency(request: HttpRequest) -> dict:
    return {
        "actor": getattr(request, "actor", None),
        "memberships": getattr(request, "memberships", []),
    }
