"""Forms of the account pages."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from filon.accounts.models import AccountState, normal_email
from filon.directory.models import School, Track


class LoginForm(AllauthLoginForm):
    """allauth's login by e-mail. The address is compared in its normal form (trimmed,
    lower case), which is also the key of the failed-login limit; ``username`` is accepted
    for ``login`` (the field's name before allauth)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = kwargs.get("data", args[0] if args else None)
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            if "data" in kwargs:
                kwargs["data"] = data
            else:
                args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail")
        self.fields["password"].label = _("Mot de passe")

    def clean_login(self) -> str:
        return normal_email(self.cleaned_data["login"])


class EmailForm(forms.Form):
    """One e-mail address (« Première connexion ? »)."""

    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)

    def clean_email(self) -> str:
        return normal_email(self.cleaned_data["email"])


class AccountSearchForm(forms.Form):
    """The staff's « Comptes » page: a name or an address, a state, a school, a track."""

    q = forms.CharField(label=_("Nom ou adresse e-mail"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous")), *AccountState.choices]
    )
    school = forms.ModelChoiceField(
        label=_("École"),
        queryset=School.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("Toutes"),
    )
    track = forms.ChoiceField(
        label=_("Filière"), required=False, choices=[("", _("Toutes")), *Track.choices]
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("À quoi sert ce jeton ?"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("ex. : mon tableur de suivi")}),
    )
