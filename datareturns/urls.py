from django.urls import path

from datareturns import views

app_name = "datareturns"

urlpatterns = [
    path("", views.placement_list, name="placement-list"),
]
