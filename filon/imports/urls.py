"""Routes of the staff's import pages."""

from django.urls import path

from filon.imports import views

app_name = "imports"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/confirmer/", views.run_confirm, name="confirm"),
    path("<int:pk>/progression/", views.run_progress, name="progress"),
    path("fusions/", views.merges, name="merges"),
    path("fusions/<int:pk>/", views.merge_decide, name="merge_decide"),
]
