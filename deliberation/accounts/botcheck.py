"""Bot protection without third parties and without tracking: an ALTCHA proof of work and a
honeypot field, for the sign-up and password-reset forms.

The page carries a challenge (ALTCHA's v1 format: `{"algorithm": "SHA-256", "challenge",
"maxNumber", "salt", "signature"}`, made by the `altcha` library and signed with a key derived
from SECRET_KEY). The browser (static/js/altcha.js) finds the number N with
SHA-256(salt + N) == challenge and sends back base64(JSON {"algorithm", "challenge", "number",
"salt", "signature"}) in the field `altcha`; the server checks it with the library, and accepts
each solution once (a used signature is remembered in the cache until the challenge expires).
No request leaves the site and nothing is stored in the browser.
"""

import base64
import hashlib
import json
from datetime import timedelta

from altcha import create_challenge_v1, verify_solution_v1
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHALLENGE_LIFETIME = timedelta(minutes=30)
FIELD_NAME = "altcha"
HONEYPOT_NAME = "homepage"


def _key() -> str:
    # Its own key, so that no other signature made with SECRET_KEY passes for a challenge.
    return hashlib.sha256(f"altcha:{settings.SECRET_KEY}".encode()).hexdigest()


def challenge_new() -> dict:
    """A fresh signed challenge, as the JSON-ready dict the browser solves (expires in 30 min)."""
    challenge = create_challenge_v1(
        hmac_key=_key(),
        max_number=settings.ALTCHA_MAX_NUMBER,
        expires=timezone.now() + CHALLENGE_LIFETIME,
    )
    return challenge.to_dict()


def solution_check(payload: str) -> None:
    """Accept a solved challenge once; raise forms.ValidationError (code `missing`, `invalid`
    or `used`) with a message for the person otherwise."""
    if not payload:
        raise forms.ValidationError(
            _(
                "The automatic check that you are a person has not finished. Wait until it says "
                "it is done (it takes a few seconds and needs JavaScript), then send the form again."
            ),
            code="missing",
        )
    try:
        ok, _error = verify_solution_v1(payload, _key(), check_expires=True)
    except (ValueError, TypeError, KeyError):  # a payload of the wrong shape
        ok = False
    if not ok:
        raise forms.ValidationError(
            _(
                "The automatic check that you are a person did not succeed or has expired. It "
                "has started again: send the form once it says it is done."
            ),
            code="invalid",
        )
    signature = json.loads(base64.b64decode(payload))["signature"]
    if not cache.add(
        f"altcha-used:{signature}", True, timeout=int(CHALLENGE_LIFETIME.total_seconds())
    ):
        raise forms.ValidationError(
            _("This check was used already. It has started again: send the form once it is done."),
            code="used",
        )


class AltchaWidget(forms.Widget):
    """The challenge, a button to start the check again and a status that screen readers
    announce (deliberation/templates/deliberation/altcha_widget.html; the solving is static/js/altcha.js)."""

    template_name = "deliberation/altcha_widget.html"  # app templates: forms render there

    def get_context(self, name, value, attrs):
        context = super().get_context(name, "", attrs)  # a used solution is never sent back
        context["widget"]["challenge"] = json.dumps(challenge_new())
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class AltchaField(forms.CharField):
    """The proof-of-work field: valid only with a solution of a challenge this site made."""

    widget = AltchaWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Check that you are a person"))
        kwargs.setdefault(
            "help_text",
            _(
                "Your browser solves a small arithmetic task, without any other service and "
                "without cookies. It starts by itself; you need to do nothing."
            ),
        )
        super().__init__(required=False, strip=True, **kwargs)

    def validate(self, value):
        solution_check(value)


class HoneypotInput(forms.TextInput):
    """Rendered off-screen and hidden from assistive technology (partials/form_fields.html)."""

    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


class HoneypotField(forms.CharField):
    """A field that people do not see and programs fill in: refused when it has a value."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False, label=_("Leave this field empty"), widget=HoneypotInput, **kwargs
        )

    def validate(self, value):
        if value:
            raise forms.ValidationError(
                _(
                    "The form was sent with a field filled in that must stay empty; programs do "
                    "that, people do not see it. Please empty it and send the form again."
                ),
                code="honeypot",
            )
