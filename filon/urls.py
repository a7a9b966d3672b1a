"""The site's routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from filon.web import views as web_views

admin.site.site_header = "Filon"
admin.site.site_title = "Filon"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("filon.directory.urls")),
    path("association/", include("filon.association.urls")),
    path("", include("filon.network.urls")),
    path("entraide/", include("filon.outreach.urls")),
    path("evenements/", include("filon.events.urls")),
    path("imports/", include("filon.imports.urls")),
    path("financements/", include("filon.money.urls")),
    path("projet/", include("filon.projects.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("filon.api.urls", namespace="api")),
]
