"""Routes of the association's pages: dues and the dashboard (staff)."""

from django.urls import path

from filon.association import views

app_name = "association"

urlpatterns: list = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("cotisations/nouvelle/", views.payment_new, name="payment_new"),
    path("cotisations/membres/", views.person_lookup, name="person_lookup"),
    path("cotisations/import/", views.import_moved, name="import_moved"),
]
