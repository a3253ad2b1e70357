"""Where a webhook may be sent (SSRF): ``https`` only, to hosts that resolve to public
addresses. The hosts in ``WEBHOOK_ALLOW_HTTP_HOSTS`` (default none) may also use ``http`` and
resolve to private, loopback or link-local addresses: a receiver on the same network, or a
test's server on 127.0.0.1. Checked when an endpoint is saved and again before every send
(a name may resolve elsewhere later)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from apps.core.exceptions import ServiceError


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "WEBHOOK_ALLOW_HTTP_HOSTS", [])}


def _addresses(host: str, port: int) -> list[str]:
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, port,
                                                          proto=socket.IPPROTO_TCP)]
    except (OSError, UnicodeError):
        return []


def check_url(url: str) -> str:
    """The URL, stripped, if a webhook may be sent there; otherwise ``ServiceError`` on the
    ``url`` field with a message for the admin."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ServiceError("Enter a full web address, like https://example.org/hooks",
                           field="url") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ServiceError("Enter a full web address, like https://example.org/hooks",
                           field="url")
    if parts.username or parts.password:
        raise ServiceError("The address must not contain a user name or password.",
                           field="url")
    allowed = host in _allowed_hosts()
    if parts.scheme != "https" and not allowed:
        raise ServiceError("The address must start with https://", field="url")
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise ServiceError("We could not find that host. Check the address.", field="url")
    if not allowed:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise ServiceError("The address must be on the public internet, not a "
                                   "private, loopback or link-local network.", field="url")
    return url
