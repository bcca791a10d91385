"""Security headers and CSRF for browser forms (bearer-token API calls are exempt).

The exemption is safe only because a bearer request to the API is authenticated
by its token alone (its cookie is ignored, see webui.auth); on a page a bearer
header counts for nothing, so it exempts nothing there either.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from webui.auth import bearer_token, is_api_request
from webui.extensions import csrf


def install(app: Flask) -> None:
    @app.before_request
    def _csrf() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if is_api_request() and bearer_token(request) is not None:
            return
        if request.path.startswith("/api/v1/webhooks/"):
            return  # signed with HMAC by the sending system, not a browser form
        if request.path == "/api/v1/auth/token" or not current_app.config.get(
            "WTF_CSRF_ENABLED", True
        ):
            return
        csrf.protect()

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response
