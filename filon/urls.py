"""The site's routes."""

from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language

from filon.accounts import errors
from filon.ops import views as ops_views
from filon.web import views as web_views

admin.site.site_header = "Filon"
admin.site.site_title = "Filon"
# The admin signs in through Filon's login page: the same failed-login limits, the same
# second factor; its own form is never used.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Sign-in, sign-out and password reset: django-allauth's views at French addresses. Each
# carries allauth's name too: reverse() returns the last pattern of a name, so these come after
# the include of allauth below and win over its English addresses.
_account_pages = [
    path("connexion/", allauth_views.login, name="account_login"),
    path("deconnexion/", allauth_views.logout, name="account_logout"),
    path("mot-de-passe/oublie/", allauth_views.password_reset, name="account_reset_password"),
    path(
        "mot-de-passe/oublie/envoye/",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^mot-de-passe/nouveau/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]

urlpatterns = [
    path("", web_views.home, name="home"),
    path("connexion/", allauth_views.login, name="login"),
    path("deconnexion/", allauth_views.logout, name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path("", include("filon.accounts.urls")),
    path("", include("filon.directory.urls")),
    path("association/", include("filon.association.urls")),
    path("", include("filon.network.urls")),
    path("entraide/", include("filon.outreach.urls")),
    path("evenements/", include("filon.events.urls")),
    path("imports/", include("filon.imports.urls")),
    path("financements/", include("filon.money.urls")),
    path("projet/", include("filon.projects.urls")),
    path("groupes/", include("filon.groups.urls")),
    path("opportunites/", include("filon.opportunities.urls")),
    path("sante/", ops_views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("filon.api.urls", namespace="api")),
    path("compte/", include("allauth.urls")),
    *_account_pages,
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
# allauth answers its own rate limits with ROOT_URLCONF.handler429.
handler429 = errors.too_many_requests
