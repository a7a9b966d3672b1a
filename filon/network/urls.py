"""Routes of the network: the ego map, paths to a person, organisations."""

from django.urls import path

from filon.network import views

app_name = "network"

urlpatterns: list = [
    path("reseau/", views.ego, name="ego"),
    path("reseau/chemins/<int:pk>/", views.person_paths, name="paths"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
]
