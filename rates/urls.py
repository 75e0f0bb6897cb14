from django.urls import path

from rates import views

app_name = "rates"

urlpatterns = [
    path("regions/<slug:slug>/", views.rate_card, name="region"),
    path("regions/<slug:slug>/caps.csv", views.caps_csv, name="caps-csv"),
    path("regions/<slug:slug>/drafts/new/", views.draft_new, name="draft-new"),
    path("regions/<slug:slug>/exemptions/new/", views.exemption_new, name="exemption-new"),
    path("drafts/<int:pk>/", views.draft_edit, name="draft-edit"),
    path("drafts/<int:pk>/uplift/", views.draft_uplift, name="draft-uplift"),
    path("drafts/<int:pk>/check/", views.draft_check, name="draft-check"),
    path("drafts/<int:pk>/discard/", views.draft_discard, name="draft-discard"),
    path("exemptions/<int:pk>/revoke/", views.exemption_revoke, name="exemption-revoke"),
]
