from django.urls import re_path

from apps.interop.oruk import views

app_name = "oruk"
ID = r"(?P<{}>[^/]+)"


def _route(name: str, view, url_name: str, id_name: str | None = None):
    """ORUK paths have no trailing slash; one is tolerated."""
    if id_name is None:
        return re_path(rf"^{name}/?$", view, name=url_name)
    return re_path(rf"^{name}/{ID.format(id_name)}/?$", view, name=url_name)


urlpatterns = [
    re_path(r"^$", views.index, name="index"),
    _route("services", views.service_list, "services"),
    _route("services", views.service_detail, "service", "service_id"),
    _route("service_at_locations", views.service_at_location_list, "service_at_locations"),
    _route("service_at_locations", views.service_at_location_detail, "service_at_location",
           "sal_id"),
    _route("organizations", views.organization_list, "organizations"),
    _route("organizations", views.organization_detail, "organization", "organization_id"),
    _route("taxonomies", views.taxonomy_list, "taxonomies"),
    _route("taxonomies", views.taxonomy_detail, "taxonomy", "taxonomy_id"),
    _route("taxonomy_terms", views.taxonomy_term_list, "taxonomy_terms"),
    _route("taxonomy_terms", views.taxonomy_term_detail, "taxonomy_term", "term_id"),
]
