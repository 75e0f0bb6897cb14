from django.urls import path

from breaches.views import requests

app_name = "breaches"

# --- Breach requests ------------------------------------------------------------------------
urlpatterns = [
    path("requests/", requests.request_list, name="request-list"),
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
    path("regions/<slug:slug>/decisions/", requests.region_decisions, name="region-decisions"),
]
