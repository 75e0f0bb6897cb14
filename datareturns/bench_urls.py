"""The service's URLs plus the bench's minimal signed-in view (see ``datareturns.bench_wsgi``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def minimal(request: HttpRequest) -> HttpResponse:
    """Signed in (the sign-in middleware sends anyone else away) and nothing else."""
    return HttpResponse(f"Signed in as {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("riia.urls")),
]
handler403 = "riia.views.permission_denied"
