"""The account forms: allauth's, with our consent, field names and bot protection."""

from allauth.account import forms as allauth_forms
from allauth.socialaccount import forms as social_forms
from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .botcheck import AltchaField, HoneypotField


def _consent_label() -> str:
    return format_html(
        _(
            'I have read the <a href="{}">privacy notice</a> and agree that my contributions are '
            "published under my username."
        ),
        reverse_lazy("page", kwargs={"name": "datenschutz"}),
    )


USERNAME_HELP = _(
    "Shown publicly next to your comments. Choose a pseudonym if you prefer. Letters, digits "
    "and @/./+/-/_ only. Not possible: a name that looks like one that is taken (upper and "
    "lower case, and letters from other alphabets that look alike, count as the same) and a "
    "name that looks like a role of this site (such as moderation, working group, city "
    "administration or admin)."
)


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up (username, e-mail, password twice) with the consent to the privacy
    notice and the bot protection (deliberation/accounts/botcheck.py)."""

    consent = forms.BooleanField(
        label=lazy(_consent_label, str)(),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to take part.")},
    )
    homepage = HoneypotField()
    altcha = AltchaField()
    field_order = ["username", "email", "password1", "password2", "consent", "homepage", "altcha"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = USERNAME_HELP
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _(
            "We send you a link to confirm it. Used only for that, for password resets and for "
            "notifications you ask for. Never shown."
        )
        for field in self.fields.values():  # the labels say it; placeholders would repeat them
            field.widget.attrs.pop("placeholder", None)


class SocialSignupForm(social_forms.SignupForm):
    """The first log-in through the city's identity provider: the person chooses the pseudonym
    shown next to their comments (the same rules as on sign-up: the account adapter's
    clean_username) and agrees to the privacy notice. Nothing of their real name is filled in
    (deliberation/accounts/oidc.py)."""

    consent = forms.BooleanField(
        label=lazy(_consent_label, str)(),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to take part.")},
    )
    field_order = ["username", "email", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Pseudonym")
        self.fields["username"].help_text = USERNAME_HELP
        if "email" in self.fields:
            self.fields["email"].label = _("E-mail address")
            self.fields["email"].help_text = _(
                "From your log-in at the city. Used only for notifications you ask for. "
                "Never shown."
            )
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in (with its limit on wrong passwords) under Django's field names
    `username` and `password`, which the contract promises."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {"username": self.fields.pop("login"), **self.fields}
        self.fields.clear()
        self.fields.update(fields)
        self.fields["username"].label = _("Username")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        self.cleaned_data["login"] = username  # where allauth's checks read it
        return username


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """allauth's reset request with the bot protection: each request sends a mail."""

    homepage = HoneypotField()
    altcha = AltchaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)


class AccountDeleteForm(forms.Form):
    """Confirms the deletion with the password; an account that logs in only through the
    city's identity provider has none, and confirms with its username instead."""

    password = forms.CharField(
        label=_("Your password, to confirm"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Your username, to confirm"),
                help_text=_("You log in through the city, so your account has no password."),
            )

    def clean_password(self):
        given = self.cleaned_data["password"]
        if not self.user.has_usable_password():
            if given.strip() != self.user.get_username():
                raise forms.ValidationError(_("This is not your username."))
        elif not self.user.check_password(given):
            raise forms.ValidationError(_("The password is not correct."))
        return given
