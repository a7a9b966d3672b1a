"""Routes of the groups pages, mounted at /groupes/."""

from django.urls import path

from filon.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("nouveau/", views.group_edit, name="new"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/modifier/", views.group_edit, name="edit"),
    path("<int:pk>/rejoindre/", views.join, name="join"),
    path("<int:pk>/quitter/", views.leave, name="leave"),
    path("<int:pk>/demande/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/annonces/", views.announce, name="announce"),
    path("<int:pk>/courriels/", views.mail_setting, name="mail"),
    path("<int:pk>/membres/", views.manage, name="manage"),
    path("demandes/<int:pk>/", views.decide, name="decide"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
