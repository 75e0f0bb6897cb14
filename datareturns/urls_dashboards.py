from django.urls import path

from datareturns import views_dashboards as views

app_name = "dashboards"

urlpatterns = [
    path("", views.england, name="england"),
    path("england.csv", views.england_csv, name="england-csv"),
    path("regions/<slug:slug>/", views.region, name="region"),
    path("regions/<slug:slug>/export.csv", views.region_csv, name="region-csv"),
    path("regions/<slug:slug>/kpis/", views.region_kpis, name="region-kpis"),
    path("local-authorities/<slug:slug>/", views.la_dashboard, name="la"),
    path("local-authorities/<slug:slug>/export.csv", views.la_csv, name="la-csv"),
]
