from django.urls import path

from datareturns import views, views_prechecks

app_name = "datareturns"

urlpatterns = [
    path("", views.placement_list, name="placement-list"),
    path("export.csv", views.placement_export, name="placement-export"),
    path("<int:pk>/", views.placement_detail, name="placement-detail"),
    path("upload/", views.placement_upload, name="placement-upload"),
    path("upload/errors/<str:token>/", views.upload_errors, name="upload-errors"),
    path("uploads/", views.upload_list, name="upload-list"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload-detail"),
    path("leavers/", views.leaver_list, name="leaver-list"),
    path("leavers/upload/", views.leaver_upload, name="leaver-upload"),
    path("check/", views_prechecks.placement_check, name="placement-check"),
    path("checks/", views_prechecks.check_tallies, name="check-tallies"),
]
