from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from riia import views, views_audit
from riia.forms import GovukPasswordResetForm, GovukSetPasswordForm

handler403 = "riia.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # "Forgotten your password?": Django's password reset, with GOV.UK pages (public, like sign-in).
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="riia/password_reset.html",
            form_class=GovukPasswordResetForm,
            email_template_name="riia/password_reset_email.txt",
            subject_template_name="riia/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="riia/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="riia/password_reset_confirm.html", form_class=GovukSetPasswordForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="riia/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    # The footer's pages, readable without signing in.
    path("accessibility/", views.footer_page, {"page": "accessibility"}, name="accessibility"),
    path("privacy/", views.footer_page, {"page": "privacy"}, name="privacy"),
    path("cookies/", views.footer_page, {"page": "cookies"}, name="cookies"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("regions/<slug:slug>/", views.region_detail, name="region-detail"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.notification_preferences, name="notification-preferences"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("audit/export/", views_audit.audit_export, name="audit-export"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/new/", views.api_key_create, name="api-key-create"),
    path("api-keys/new/created/", views.api_key_created, name="api-key-created"),
    path("api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("case-studies/", include("casestudies.urls")),
    path("rates/", include("rates.urls")),
    path("breaches/", include("breaches.urls")),
    path("placements/", include("datareturns.urls")),
    path("returns/", include("datareturns.urls_returns")),
    path("dashboards/", include("datareturns.urls_dashboards")),
    path("escalations/", include("governance.urls")),
    path("governance/", include("governance.urls_meetings")),
    path("api/v1/", include("rates.api.urls")),
    path("api/v1/", include("breaches.api.urls")),
    path("api/v1/", include("datareturns.api.urls")),
    path("api/v1/", include("riia.api.urls")),
    # DRF views opt out of LoginRequiredMiddleware, so the schema and docs ask for sign-in themselves.
    path("api/schema/", login_required(SpectacularAPIView.as_view()), name="api-schema"),
    # Split: the page's script is a separate request, so the CSP needs no inline script.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="riia/api_docs.html")),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Agency social work MOU: reference data"
