from django.urls import path

from rates.api import views

# DRF views opt out of LoginRequiredMiddleware: unauthenticated calls get DRF's JSON 403, not a sign-in page.
urlpatterns = [
    path("regions/<slug:slug>/caps/", views.RegionCapsView.as_view(), name="api-region-caps"),
]
