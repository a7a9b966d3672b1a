"""Routes of the directory: search, profiles, contact details, personal data."""

from django.urls import path

from filon.directory import search_views
from filon.directory import views as profile_views

app_name = "directory"

urlpatterns: list = [
    path("annuaire/", search_views.search_page, name="search"),
    # Profiles, contact reveals, one's own profile and personal data (GDPR).
    path("annuaire/<int:pk>/", profile_views.profile, name="profile"),
    path("annuaire/<int:pk>/coordonnees/", profile_views.reveal, name="reveal"),
    path("annuaire/<int:pk>/effacer/", profile_views.erase_person, name="erase_person"),
    path("profil/modifier/", profile_views.edit, name="edit"),
    path("profil/consultations/", profile_views.viewers, name="viewers"),
    path("profil/mes-donnees.json", profile_views.export, name="export"),
    path("profil/effacer/", profile_views.erase_own, name="erase"),
]
