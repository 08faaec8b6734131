from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

User = get_user_model()


def _consent_label() -> str:
    return format_html(
        _(
            'I have read the <a href="{}">privacy notice</a> and agree that my contributions are '
            "published under my username."
        ),
        reverse_lazy("page", kwargs={"name": "datenschutz"}),
    )


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Used only for password resets and notifications you ask for. Never shown."),
    )
    consent = forms.BooleanField(
        label=lazy(_consent_label, str)(),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to take part.")},
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        help_texts = {
            "username": _(
                "Shown publicly next to your comments. Choose a pseudonym if you prefer. "
                "Letters, digits and @/./+/-/_ only."
            )
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this e-mail address exists already. Log in or reset your password."
                )
            )
        return email


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
