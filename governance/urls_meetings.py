from django.urls import path

from governance import views_meetings as views

app_name = "meetings"

urlpatterns = [
    path("regions/<slug:slug>/", views.region, name="region"),
    path("regions/<slug:slug>/meetings/new/", views.create, name="create"),
    path("regions/<slug:slug>/contacts/", views.directory, name="directory"),
    path("regions/<slug:slug>/contacts.csv", views.directory_export, name="directory-export"),
    path("regions/<slug:slug>/packs/<str:quarter>/", views.pack, name="pack"),
    path("regions/<slug:slug>/packs/<str:quarter>/tables.csv", views.pack_export, name="pack-export"),
    path("regions/<slug:slug>/packs/<str:quarter>/notes/", views.pack_notes, name="pack-notes"),
    path("regions/<slug:slug>/packs/<str:quarter>/share/", views.pack_share, name="pack-share"),
    path("regions/<slug:slug>/mou/", views.mou, name="mou"),
    path("regions/<slug:slug>/mou/new/", views.mou_version_add, name="mou-version-add"),
    path("regions/<slug:slug>/mou/<int:pk>/sign/", views.mou_sign, name="mou-sign"),
    path("regions/<slug:slug>/mou/<int:pk>/document/", views.mou_download, name="mou-download"),
    path("induction/<slug:la_slug>/", views.induction, name="induction"),
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>/attendees/new/", views.attendee_add, name="attendee-add"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/approve/", views.approve, name="approve"),
    path("meetings/<int:pk>/actions/new/", views.action_add, name="action-add"),
    path("actions/<int:pk>/done/", views.action_complete, name="action-complete"),
]
