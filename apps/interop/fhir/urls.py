from django.urls import re_path

from apps.interop.fhir import api

app_name = "fhir"
ID = r"(?P<pk>[A-Za-z0-9\-\.]{1,64})"
urlpatterns = [
    re_path(r"^metadata/?$", api.MetadataView.as_view(), name="metadata"),
    re_path(r"^ServiceRequest/?$", api.ServiceRequestCreateView.as_view(),
            name="service-requests"),
    re_path(rf"^ServiceRequest/{ID}/?$", api.ServiceRequestView.as_view(),
            name="service-request"),
    re_path(r"^Task/?$", api.TaskSearchView.as_view(), name="tasks"),
    re_path(rf"^Task/{ID}/?$", api.TaskView.as_view(), name="task"),
    re_path(rf"^Consent/{ID}/?$", api.ConsentView.as_view(), name="consent"),
]
