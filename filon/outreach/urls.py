"""Routes of the outreach pages ("entraide"), mounted at /entraide/."""

from django.urls import path

from filon.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("demandes/nouvelle/", views.ask_new, name="ask_new"),
    path("demandes/<int:pk>/", views.ask_detail, name="ask_detail"),
    path("demandes/<int:pk>/modifier/", views.ask_edit, name="ask_edit"),
    path("demandes/<int:pk>/etat/", views.ask_status, name="ask_status"),
    path("offres/nouvelle/", views.offer_new, name="offer_new"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<int:pk>/etat/", views.offer_status, name="offer_status"),
    path("ecrire/<int:person_pk>/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/repondre/", views.contact_answer, name="contact_answer"),
    path("contacts/<int:pk>/retirer/", views.contact_withdraw, name="contact_withdraw"),
    path("contacts/<int:pk>/suivi/", views.contact_follow, name="contact_follow"),
    path("presentation/<int:target_pk>/", views.intro_new, name="intro_new"),
    path("presentations/<int:pk>/", views.intro_detail, name="intro_detail"),
    path("presentations/<int:pk>/repondre/", views.intro_answer, name="intro_answer"),
    path("presentations/<int:pk>/retirer/", views.intro_withdraw, name="intro_withdraw"),
    path("presentations/<int:pk>/suivi/", views.intro_follow, name="intro_follow"),
    path("mes-echanges/", views.exchanges, name="exchanges"),
    path("accueil/", views.home_panel, name="home_panel"),
    path("mon-bilan/", views.ledger, name="ledger"),
    # The one-click answer from an e-mail: the only page here open without a session.
    path("reponse/<str:token>/<slug:answer>/", views.link, name="link"),
]
