from django.urls import path

from datareturns.api import views

urlpatterns = [
    path("placements/", views.PlacementListView.as_view(), name="api-placement-list"),
    path("placements/checks/", views.PlacementCheckView.as_view(), name="api-placement-check"),
    path("placements/uploads/", views.PlacementUploadListView.as_view(), name="api-placement-upload-list"),
    path("placements/uploads/<int:pk>/", views.PlacementUploadDetailView.as_view(), name="api-placement-upload-detail"),
    path("benchmarks/", views.BenchmarkListView.as_view(), name="api-benchmark-list"),
    path("leavers/uploads/", views.LeaverUploadListView.as_view(), name="api-leaver-upload-list"),
]
