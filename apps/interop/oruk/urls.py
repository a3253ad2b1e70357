from django.urls import path, re_path

from apps.interop.oruk import views

app_name = "oruk"
urlpatterns = [
    path("", views.index, name="index"),
    path("services", views.service_list, name="services"),
    path("services/<uuid:service_id>", views.service_detail, name="service"),
    path("service_at_locations", views.service_at_location_list, name="service_at_locations"),
    # A service is delivered at one place, under the service's own id (see mapping).
    path("service_at_locations/<uuid:service_id>", views.service_at_location_detail,
         name="service_at_location"),
    path("organizations", views.organization_list, name="organizations"),
    path("organizations/<uuid:agency_id>", views.organization_detail, name="organization"),
    path("taxonomies", views.taxonomy_list, name="taxonomies"),
    path("taxonomies/<uuid:taxonomy_id>", views.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_term_list, name="taxonomy_terms"),
    path("taxonomy_terms/<uuid:term_id>", views.taxonomy_term_detail, name="taxonomy_term"),
    # Anything else under /oruk/ (a malformed id, a trailing slash): a JSON 404 with CORS.
    re_path(r"^.*$", views.not_found),
]
