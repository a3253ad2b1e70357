from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _redis_ok() -> bool:
    url = settings.REDIS_URL
    try:
        if url.startswith("redis+socket://"):
            client = redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"),
                                 socket_timeout=1, socket_connect_timeout=1)
        else:
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and Redis reachability. No authentication and no data."""
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **{k: "ok" if v else "error"
                                                    for k, v in checks.items()}},
        status=200 if healthy else 503,
    )
