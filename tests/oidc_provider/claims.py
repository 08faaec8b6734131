"""What the test provider says about a resident: their real name, as a city's register would."""


def userinfo(claims: dict, user) -> dict:
    """Fill the standard claims (django-oidc-provider's OIDC_USERINFO hook)."""
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}"
    claims["preferred_username"] = user.username
    claims["email"] = user.email
    claims["email_verified"] = True
    return claims


def id_token_with_names(id_token: dict, user, **kwargs) -> dict:
    """Put the real names into every ID token, asked for or not, as Keycloak's default client
    scopes do (django-oidc-provider's OIDC_IDTOKEN_PROCESSING_HOOK)."""
    id_token.update(given_name=user.first_name, family_name=user.last_name)
    return id_token
