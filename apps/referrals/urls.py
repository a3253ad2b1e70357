from django.urls import path

from apps.referrals import views

app_name = "referrals"
urlpatterns = [
    path("cases/<uuid:case_id>/refer/", views.referral_new, name="new"),
    path("referrals/", views.inbox, name="inbox-root"),
    path("referrals/inbox/", views.inbox, name="inbox"),
    path("referrals/inbox/<slug:tab>/", views.inbox, name="inbox-tab"),
    path("referrals/outgoing/", views.outgoing, name="outgoing"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("referrals/<uuid:referral_id>/edit/", views.referral_edit, name="edit"),
    path("referrals/<uuid:referral_id>/submit/", views.referral_submit, name="submit"),
    path("referrals/<uuid:referral_id>/accept/", views.referral_accept, name="accept"),
    path("referrals/<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("referrals/<uuid:referral_id>/request-info/", views.referral_request_info,
         name="request-info"),
    path("referrals/<uuid:referral_id>/respond/", views.referral_respond, name="respond"),
    path("referrals/<uuid:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("referrals/<uuid:referral_id>/assign/", views.referral_assign, name="assign"),
    path("referrals/<uuid:referral_id>/complete/", views.referral_complete, name="complete"),
]
