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
    path("scenarios/<int:pk>/supprimer/", views.scenario_delete, name="scenario_delete"),
    path("rencontres/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("rencontres/<int:pk>/supprimer/", views.meeting_delete, name="meeting_delete"),
    path("hypotheses/<int:pk>/modifier/", views.hypothesis_edit, name="hypothesis_edit"),
    path("hypotheses/<int:pk>/supprimer/", views.hypothesis_delete, name="hypothesis_delete"),
    path("competences/<int:pk>/modifier/", views.competence_edit, name="competence_edit"),
    path("competences/<int:pk>/supprimer/", views.competence_delete, name="competence_delete"),
    path("envies/<int:pk>/modifier/", views.desire_edit, name="desire_edit"),
    path("envies/<int:pk>/supprimer/", views.desire_delete, name="desire_delete"),
]
