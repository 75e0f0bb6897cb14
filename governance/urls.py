from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.escalation_list, name="escalation-list"),
    path("new/", views.escalation_raise, name="escalation-raise"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("<int:pk>/", views.escalation_detail, name="escalation-detail"),
    path("<int:pk>/raised/", views.escalation_raised, name="escalation-raised"),
    path("<int:pk>/triage/", views.escalation_triage, name="escalation-triage"),
    path("<int:pk>/information/", views.escalation_respond, name="escalation-respond"),
    path("<int:pk>/actions/new/", views.escalation_entry_add, name="escalation-entry-add"),
    path("<int:pk>/close/", views.escalation_close, name="escalation-close"),
    path("<int:pk>/share-region/", views.escalation_share_region, name="escalation-share-region"),
    path("<int:pk>/share-outcome/", views.escalation_outcome_share, name="escalation-outcome-share"),
    path("<int:pk>/case-study/", views.escalation_case_study, name="escalation-case-study"),
    path("<int:pk>/evidence/", views.escalation_evidence, name="escalation-evidence"),
]
