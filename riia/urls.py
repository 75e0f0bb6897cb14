from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from riia import views

handler403 = "riia.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/<slug:slug>/", views.region_detail, name="region-detail"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("breaches/", include("breaches.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Agency social work MOU: reference data"
