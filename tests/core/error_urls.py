"""The project's URLs plus a view that fails, for the 500 page test."""

from django.urls import path

from config.urls import *  # noqa: F403 - the project's patterns and error handlers
from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret-detail-in-the-exception DATABASE_URL=postgres://u:p@db/x")


urlpatterns = [path("test-boom/", boom), *project_urlpatterns]
