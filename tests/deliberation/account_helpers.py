"""What a person's browser does on the account forms, for the tests: solve the page's ALTCHA
challenge (as static/js/altcha.js does, here with the altcha library's own solver)."""

import base64
import html
import json
import re

from altcha import solve_challenge_v1
from django.urls import reverse

from tests.data import PASSWORD

CHALLENGE = re.compile(r'data-challenge="([^"]+)"')


def solution_for(page_html: str) -> str:
    """The `altcha` field's value for the challenge in `page_html` (base64 JSON payload)."""
    match = CHALLENGE.search(page_html)
    assert match, "the page carries no ALTCHA challenge"
    challenge = json.loads(html.unescape(match.group(1)))
    solved = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    assert solved is not None
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solved.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def solved(client, url: str) -> str:
    """Open the form at `url` as a browser would and return its solved challenge."""
    return solution_for(client.get(url).content.decode())


def signup_data(client, url: str | None = None, **overrides) -> dict:
    """A complete sign-up for "clara", with the form's challenge solved; `overrides` replace
    fields (an empty `altcha` sends it unsolved)."""
    data = {
        "username": "clara",
        "email": "clara@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "altcha": solved(client, url or reverse("signup")),
    }
    data.update(overrides)
    return data
