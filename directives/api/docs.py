"""The browsable docs (Swagger UI) under the app's Content Security Policy.

The UI's files come from the installed `drf-spectacular-sidecar` package through our own static
files (no CDN: the policy allows our origin only); its start-up script is a separate file too
(drf-spectacular's "split" view), and the page's template has no inline style.
Signed-in users try the API with their session (and the CSRF token the UI sends).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"

    def dispatch(self, request, *args, **kwargs):
        # A page for people: without a session (or token), the sign-in page, as every page.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)
