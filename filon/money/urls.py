"""Routes of the money pages, mounted at /financements/."""

from django.urls import path

from filon.money import views

app_name = "money"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("ma-these/", views.my_thesis, name="my_thesis"),
    path("mon-sujet/", views.my_topic, name="my_topic"),
    path("mon-sujet/scenario/", views.topic_scenario, name="topic_scenario"),
    path("flux/", views.trail, name="trail"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("financeurs/<int:pk>/", views.funder, name="funder"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("projets/<int:pk>/", views.project, name="project"),
    path("doublons/<int:pk>/", views.org_merge_decide, name="org_merge_decide"),
]
