from django.urls import path

from apps.marac import views

app_name = "marac"
urlpatterns = [
    path("cases/<uuid:case_id>/risk/", views.case_risk, name="case-risk"),
    path("cases/<uuid:case_id>/risk/new/", views.checklist_new, name="checklist-new"),
    path("risk-checklists/<uuid:checklist_id>/", views.checklist_detail, name="checklist"),
    path("risk-checklists/<uuid:checklist_id>/refer/", views.referral_new, name="referral-new"),
    path("marac/", views.home, name="home"),
    path("marac/referrals/<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("marac/referrals/<uuid:referral_id>/sign-off/", views.referral_sign_off,
         name="referral-sign-off"),
    path("marac/referrals/<uuid:referral_id>/list/", views.referral_list, name="referral-list"),
    path("marac/referrals/<uuid:referral_id>/return/", views.referral_return,
         name="referral-return"),
    path("marac/meetings/new/", views.meeting_new, name="meeting-new"),
    path("marac/meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("marac/meetings/<uuid:meeting_id>/pack/", views.meeting_pack, name="pack"),
    path("marac/meetings/<uuid:meeting_id>/pack.pdf", views.meeting_pack_pdf, name="pack-pdf"),
    path("marac/meetings/<uuid:meeting_id>/minutes/", views.meeting_minutes, name="minutes"),
    path("marac/meetings/<uuid:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("marac/meetings/<uuid:meeting_id>/close/", views.meeting_close, name="meeting-close"),
    path("marac/meetings/<uuid:meeting_id>/items/<uuid:item_id>/research/",
         views.research_edit, name="research"),
    path("marac/meetings/<uuid:meeting_id>/items/<uuid:item_id>/minutes/",
         views.item_minutes, name="item-minutes"),
    path("marac/meetings/<uuid:meeting_id>/items/<uuid:item_id>/actions/",
         views.item_action_add, name="item-action-add"),
    path("marac/areas/<uuid:area_id>/statistics/", views.area_stats, name="stats"),
    path("marac/areas/<uuid:area_id>/settings/", views.area_settings, name="area-settings"),
]
