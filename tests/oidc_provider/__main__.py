"""`python -m tests.oidc_provider prepare|serve ...`: set up and run the test identity provider.

prepare RP_BASE CLIENT_ID SECRET USERNAME PASSWORD: a fresh database with an RS256 signing key,
    one resident (Erika Mustermann) and one confidential client whose redirect and post-logout
    addresses are those of the platform at RP_BASE (e.g. http://127.0.0.1:8123).
serve PORT: Django's development server on localhost:PORT (no reloader).
"""

import os
import sys


def prepare(rp_base: str, client_id: str, secret: str, username: str, password: str) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    get_user_model().objects.create_user(
        username=username,
        password=password,
        first_name="Erika",
        last_name="Mustermann",
        email="erika.mustermann@example.org",
    )
    client = Client.objects.create(
        name="Beteiligungsplattform",
        client_type="confidential",
        client_id=client_id,
        client_secret=secret,
        jwt_alg="RS256",
        require_consent=True,
        reuse_consent=False,
    )
    client.redirect_uris = [f"{rp_base}/accounts/oidc/city/login/callback/"]
    client.post_logout_redirect_uris = [f"{rp_base}/"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    command, *args = argv
    if command == "prepare":
        prepare(*args)
    elif command == "serve":
        from django.core.management import call_command

        call_command("runserver", f"localhost:{args[0]}", use_reloader=False)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
