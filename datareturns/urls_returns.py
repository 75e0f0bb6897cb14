from django.urls import path

from datareturns import views_returns as views

app_name = "returns"

urlpatterns = [
    path("", views.return_index, name="index"),
    path("regions/<slug:slug>/<str:quarter>/", views.region_quarter, name="region-quarter"),
    path("regions/<slug:slug>/<str:quarter>/remind/", views.region_remind, name="region-remind"),
    path("regions/<slug:slug>/<str:quarter>/due-date/", views.region_due_date, name="region-due-date"),
    path("regions/<slug:slug>/<str:quarter>/export.zip", views.region_export, name="region-export"),
    path("<str:la_code>/<str:quarter>/", views.return_detail, name="detail"),
    path("<str:la_code>/<str:quarter>/start/", views.return_start, name="start"),
    path("<str:la_code>/<str:quarter>/change/", views.return_edit, name="edit"),
    path("<str:la_code>/<str:quarter>/check/", views.return_check, name="check"),
    path("<str:la_code>/<str:quarter>/submit/", views.return_submit, name="submit"),
    path("<str:la_code>/<str:quarter>/sign-off/", views.return_sign_off, name="sign-off"),
    path("<str:la_code>/<str:quarter>/reopen/", views.return_reopen, name="reopen"),
    path("<str:la_code>/<str:quarter>/export.zip", views.return_export, name="export"),
]
