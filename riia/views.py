from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from riia import selectors, services, services_keys
from riia.errors import DomainError
from riia.forms import ApiKeyCreateForm, NotificationPreferencesForm, SignInForm
from riia.middleware import session_refresh


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "riia/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def signin_locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """What django-axes answers (for our sign-in page and the admin's) once a limit is reached. It
    says neither which limit nor whether the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "riia/sign_in_locked.html", {"minutes": minutes}, status=429)


@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """The timeout warning's "Stay signed in": restart the idle time. Sign-in is required (by
    LoginRequiredMiddleware), so this can never start a session, only extend one."""
    return JsonResponse({"expires_in": session_refresh(request)})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    from riia.home import home_panels_for

    return render(
        request,
        "riia/home.html",
        {
            "memberships": selectors.memberships_for(user=request.user),
            "panels": home_panels_for(request.user),
            "unread": selectors.notifications_unread_for(user=request.user)[:5],
        },
    )


@require_GET
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, slug=slug)
    return render(
        request,
        "riia/region_detail.html",
        {
            "region": region,
            "local_authorities": selectors.region_local_authorities(region=region),
            "groups": region.groups.all(),
        },
    )


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    notifications = list(selectors.notifications_for(user=request.user)[:100])
    moved_on = selectors.notifications_moved_on(notifications=notifications)
    for notification in notifications:
        notification.moved_on = moved_on.get(notification.pk, "")
    return render(request, "riia/notifications.html", {"notifications": notifications})


@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Each signed-in person chooses, per kind of event, how they are told: by email straight away,
    in one daily email, or in the service only. Everyone may change only their own."""
    form = NotificationPreferencesForm(
        request.POST or None, initial=selectors.notification_deliveries_for(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_set(actor=request.user, deliveries=form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications")
    return render(request, "riia/notification_preferences.html", {"form": form})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = services.notification_mark_read(actor=request.user, notification_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("notifications")
    return redirect(notification.url or "notifications")


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications")


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


# --- API keys -------------------------------------------------------------------------------
# A new key is shown once: the create POST puts it in the session, and the confirmation page takes
# it out again before rendering, so it is in no session after that page, and in no log.
NEW_API_KEY_SESSION = "riia.new_api_key"


def _require_key_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("riia.manage_api_keys"):
        raise PermissionDenied("Only programme managers and MSP uploaders look after API keys.")


@require_GET
def api_keys(request: HttpRequest) -> HttpResponse:
    _require_key_manager(request)
    return render(request, "riia/api_keys_list.html", {"api_keys": selectors.api_keys_visible_to(user=request.user)})


@require_http_methods(["GET", "POST"])
def api_key_create(request: HttpRequest) -> HttpResponse:
    _require_key_manager(request)
    form = ApiKeyCreateForm(
        request.POST or None,
        msps=selectors.api_key_msps_for(user=request.user),
        local_authorities=selectors.api_key_local_authorities_for(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            api_key, key = services_keys.api_key_create(actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session[NEW_API_KEY_SESSION] = {"pk": api_key.pk, "key": key}
            return redirect("api-key-created")
    return render(request, "riia/api_keys_create.html", {"form": form})


@never_cache
@require_GET
def api_key_created(request: HttpRequest) -> HttpResponse:
    _require_key_manager(request)
    shown = request.session.pop(NEW_API_KEY_SESSION, None)
    if shown is None:
        messages.info(
            request, "A key is shown only once, just after it is made. If it was lost, revoke it and make another."
        )
        return redirect("api-keys")
    api_key = selectors.api_key_get(user=request.user, pk=shown["pk"])
    return render(request, "riia/api_keys_created.html", {"api_key": api_key, "key": shown["key"]})


@require_http_methods(["GET", "POST"])
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    api_key = selectors.api_key_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services_keys.api_key_revoke(actor=request.user, api_key=api_key)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The API key ‘{api_key.name}’ of {api_key.organisation} has been revoked.")
        return redirect("api-keys")
    return render(request, "riia/api_keys_revoke.html", {"api_key": api_key})


@login_not_required
@require_GET
def footer_page(request: HttpRequest, page: str) -> HttpResponse:
    """The accessibility statement, privacy notice and cookies page: the same for everyone. The privacy
    notice states the retention period the deployment applies."""
    return render(request, f"riia/{page}.html", {"retention_years": settings.RIIA_RETENTION_YEARS})
