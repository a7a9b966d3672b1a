"""Routes of the project pages, mounted at /projet/."""

from django.urls import path

from filon.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/nouveau/", views.scenario_edit, name="scenario_new"),
    path("scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("scenarios/<int:pk>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/fiche/", views.sheet, name="sheet"),
    path("scenarios/<int:pk>/rencontre/", views.meeting_new, name="meeting_new"),
    path("rencontres/<int:pk>/suivi/", views.follow_up_done, name="follow_up_done"),
]
