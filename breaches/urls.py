from django.urls import path

from breaches.views import register as register_views
from breaches.views import requests
from breaches.views import sanctions as sanction_views

app_name = "breaches"

# --- Breach requests ------------------------------------------------------------------------
urlpatterns = [
    path("requests/", requests.request_list, name="request-list"),
    path("requests/export.csv", requests.request_export, name="request-export"),
    path("requests/new/", requests.request_new, name="request-new"),
    path("requests/cap/", requests.cap_json, name="request-cap"),
    path("requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("requests/<int:pk>/change/", requests.request_edit, name="request-edit"),
    path("requests/<int:pk>/check/", requests.request_check, name="request-check"),
    path("requests/<int:pk>/submit/", requests.request_submit, name="request-submit"),
    path("requests/<int:pk>/sign/", requests.request_sign, name="request-sign"),
    path("requests/<int:pk>/return/", requests.request_return, name="request-return"),
    path("requests/<int:pk>/decide/", requests.request_decide, name="request-decide"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/delete/", requests.request_delete, name="request-delete"),
    path("regions/<slug:slug>/decisions/", requests.region_decisions, name="region-decisions"),
    path("regions/<slug:slug>/decisions/export.csv", requests.region_decisions_export, name="region-decisions-export"),
]

# --- Breach register, sanctions and the training fund -----------------------------------------
urlpatterns += [
    path("register/", register_views.register, name="register"),
    path("register/export.csv", register_views.register_export, name="register-export"),
    path("register/new/", register_views.record_create, name="register-create"),
    path("register/<int:pk>/", register_views.record_detail, name="register-detail"),
    path("register/<int:pk>/actions/", register_views.record_actions, name="register-actions"),
    path("register/<int:pk>/confirm/", register_views.record_confirm, name="register-confirm"),
    path("register/<int:pk>/dismiss/", register_views.record_dismiss, name="register-dismiss"),
    path("sanctions/", sanction_views.sanction_list, name="sanction-list"),
    path("sanctions/<int:pk>/", sanction_views.sanction_detail, name="sanction-detail"),
    path("sanctions/<int:pk>/paid/", sanction_views.sanction_paid, name="sanction-paid"),
    path("sanctions/<int:pk>/waive/", sanction_views.sanction_waive, name="sanction-waive"),
    path("sanctions/policies/<int:pk>/", sanction_views.policy_edit, name="sanction-policy-edit"),
    path("sanctions/<slug:slug>/policies/new/", sanction_views.policy_create, name="sanction-policy-create"),
    path("sanctions/<slug:slug>/new/", sanction_views.sanction_issue, name="sanction-issue"),
    path("training-fund/", sanction_views.fund_index, name="fund-index"),
    path("training-fund/<slug:slug>/", sanction_views.fund_ledger, name="fund-ledger"),
    path("training-fund/<slug:slug>/spend/", sanction_views.fund_spend, name="fund-spend"),
]
