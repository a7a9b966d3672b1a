"""Routes of the account pages (the login, logout and password pages are in filon/urls.py)."""

from django.urls import path

from filon.accounts import views

app_name = "accounts"

urlpatterns = [
    path("premiere-connexion/", views.first_login, name="first_login"),
    path("premiere-connexion/envoyee/", views.first_login_sent, name="first_login_sent"),
    path("activation/<str:token>/", views.activate, name="activate"),
    path("compte/", views.account, name="account"),
    # Before allauth's own route of the same address (see views.change_email).
    path("compte/email/", views.change_email, name="change_email"),
    path("compte/jetons/", views.tokens, name="tokens"),
    path("compte/jetons/<int:pk>/revoquer/", views.revoke_token, name="revoke_token"),
    path("compte/second-facteur/", views.second_factor, name="second_factor"),
    # The staff's « Comptes » page.
    path("comptes/", views.accounts_page, name="staff"),
    path("comptes/inviter/", views.invite_batch, name="invite_batch"),
    path("comptes/personne/<int:pk>/inviter/", views.invite_person, name="invite"),
    path("comptes/personne/<int:pk>/donnees.json", views.gdpr_export, name="gdpr_export"),
    path(
        "comptes/compte/<int:pk>/desactiver/",
        views.set_active,
        {"active": False},
        name="deactivate",
    ),
    path(
        "comptes/compte/<int:pk>/reactiver/",
        views.set_active,
        {"active": True},
        name="reactivate",
    ),
]
