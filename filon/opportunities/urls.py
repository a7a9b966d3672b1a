"""Routes of the opportunities board, mounted at /opportunites/."""

from django.urls import path

from filon.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.board, name="board"),
    path("nouvelle/", views.edit, name="new"),
    path("les-miennes/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/clore/", views.close, name="close"),
    path("<int:pk>/interesse/", views.interested, name="interested"),
    path("<int:pk>/signaler/", views.report, name="report"),
    path("<int:pk>/moderer/", views.moderate, name="moderate"),
    path("reponses/<int:pk>/fiche/", views.sheet, name="sheet"),
    path("scenario/<int:pk>/", views.for_scenario, name="for_scenario"),
]
