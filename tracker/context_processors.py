"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """The request's Content-Security-Policy nonce as `csp_nonce`, the name django-htmx's
    `{% htmx_script %}` reads, so its script tag is allowed by the policy.

    Read eagerly: django-csp's lazy value is falsy until evaluated, and the tag would then
    leave the nonce out.
    """
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}
