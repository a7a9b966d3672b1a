"""Routes of the events pages, mounted at /evenements/."""

from django.urls import path

from filon.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("nouveau/", views.event_new, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/modifier/", views.event_edit, name="edit"),
    path("<int:pk>/inscription/", views.register, name="register"),
    path("<int:pk>/desinscription/", views.unregister, name="unregister"),
    path("<int:pk>/presences/", views.attendance, name="attendance"),
    path("<int:pk>/rencontres/", views.met, name="met"),
]
