"""A Content-Security-Policy header: the second wall behind sanitizing."""

from django.conf import settings

# No inline script or style anywhere: the page's own JavaScript and CSS live in static files,
# so markup that slipped past the sanitizer still cannot run.
DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def policy_with_form_targets(policy: str, origins: list[str]) -> str:
    """`policy` whose form-action also allows `origins` (e.g. "https://login.example.org"):
    browsers apply form-action to the redirects after a form's POST too, and the log-in and
    log-out through the city's identity provider redirect there."""
    if not origins:
        return policy
    return policy.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = policy_with_form_targets(
            getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY),
            getattr(settings, "CSP_FORM_ACTION_ORIGINS", []),
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
