from django.urls import path

from casestudies import views

app_name = "casestudies"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/change/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/resources/new/", views.resource_create, name="resource-add"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/new/", views.resource_create, name="resource-create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource-detail"),
    path("resources/<int:pk>/versions/new/", views.resource_version_add, name="resource-version-add"),
    path("resources/<int:pk>/versions/<int:number>/download/", views.resource_download, name="resource-download"),
]
