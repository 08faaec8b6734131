"""A small identity provider for the OpenID Connect tests: a Django project of its own running
django-oidc-provider, as a city's Keycloak would stand in front of its residents' accounts.

Run as a separate process by tests/e2e/test_oidc_login.py (`python -m tests.oidc_provider`).
"""
