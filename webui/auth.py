"""Sessions (Flask-Login) for pages, bearer tokens for the API, and the login page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from contracts import accounts, audit
from contracts.actor import Actor
from contracts.errors import AuthenticationError, LoginThrottledError
from contracts.login_throttle import LoginThrottle, ThrottleLimits
from contracts.models import User
from webui.extensions import db, login_manager
from webui.redirects import safe_next

bp = Blueprint("auth", __name__)


def client_ip() -> str:
    return request.remote_addr or ""


def login_throttle() -> LoginThrottle:
    """The app's login throttle: counts in its database, limits from LOGIN_* settings."""
    throttle = current_app.extensions.get("cf_login_throttle")
    if throttle is None:
        config = current_app.config
        throttle = LoginThrottle(
            db.engine,
            ThrottleLimits(
                account_failures=int(config["LOGIN_MAX_FAILURES"]),
                ip_failures=int(config["LOGIN_IP_MAX_FAILURES"]),
                window_seconds=float(config["LOGIN_FAILURE_WINDOW_SECONDS"]),
            ),
        )
        current_app.extensions["cf_login_throttle"] = throttle
    return throttle


def rate_limiter() -> accounts.RateLimiter:
    """The app's per-token API rate limiter (API_RATE_LIMIT requests per API_RATE_WINDOW s)."""
    limiter = current_app.extensions.get("cf_rate_limiter")
    if limiter is None:
        limiter = accounts.RateLimiter(
            int(current_app.config.get("API_RATE_LIMIT", 600)),
            float(current_app.config.get("API_RATE_WINDOW_SECONDS", 60)),
        )
        current_app.extensions["cf_rate_limiter"] = limiter
    return limiter


def check_token(scope: str | None) -> Response | None:
    """For a bearer call: 429 over the rate limit, 403 without the scope; else None.

    Browser sessions are neither scoped nor limited here.
    """
    from webui.errors import error_response

    if not current_user.is_authenticated:
        return None
    token = g.get("api_token")
    if token is None:
        return None
    wait = rate_limiter().hit(token.id)
    if wait:
        response = error_response(
            429,
            "rate_limited",
            "too many requests for this token; slow down",
            {"retry_after_seconds": wait},
        )
        response.headers["Retry-After"] = str(wait)
        return response
    if scope and not accounts.token_allows(token, scope):
        return error_response(
            403, "missing_scope", f"this token lacks the scope '{scope}'", {"scope": scope}
        )
    return None


def current_actor() -> Actor:
    """The acting user of this request, for the service layer."""
    return Actor(user=current_user._get_current_object(), ip=client_ip())


def install(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in."
    app.register_blueprint(bp)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        return accounts.signed_in_user(db.session, int(user_id))

    @login_manager.request_loader
    def _load_from_token(req) -> User | None:  # type: ignore[no-untyped-def]
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        g.token_auth = True
        token = accounts.token_for(db.session, header.removeprefix("Bearer ").strip())
        g.api_token = token
        return token.user if token is not None else None

    @login_manager.unauthorized_handler
    def _unauthorized() -> Response:
        from webui.errors import error_response, wants_json

        if wants_json():
            return error_response(401, "unauthorized", "sign in or send a valid bearer token")
        return redirect(url_for("auth.login", next=request.full_path))

    @app.context_processor
    def _inject() -> dict[str, object]:
        return {"demo_mode": current_app.config["DEMO_MODE"]}


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        try:
            user = accounts.authenticate(
                db.session,
                username,
                request.form.get("password", ""),
                throttle=login_throttle(),
                ip=client_ip(),
            )
        except LoginThrottledError as exc:
            return _throttled(username, exc)
        except AuthenticationError:
            audit.record(db.session, "login.failed", actor=username or None, ip=client_ip())
            db.session.commit()
            flash(_("Wrong user name or password."), "error")
            return render_template("auth/login.html", username=username), 401
        login_user(user)
        audit.record(db.session, "login", actor=user.username, ip=client_ip())
        db.session.commit()
        return redirect(safe_next(request.args.get("next"), url_for("inbox.index")))
    return render_template("auth/login.html", username="")


@bp.post("/logout")
@login_required
def logout() -> Response:
    audit.record(db.session, "logout", actor=current_user.username, ip=client_ip())
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.get("/")
def home() -> Response:
    return redirect(url_for("inbox.index"))


def _throttled(username: str, exc: LoginThrottledError) -> Response:
    """The login page again, 429 with Retry-After: no password was checked."""
    wait = int(exc.details["retry_after_seconds"])
    audit.record(
        db.session,
        "login.failed",
        actor=username or None,
        ip=client_ip(),
        details={"throttled": True},
    )
    db.session.commit()
    flash(
        _(
            "Too many failed sign-ins. Try again in %(minutes)d minute(s).",
            minutes=max(1, -(-wait // 60)),
        ),
        "error",
    )
    html = render_template("auth/login.html", username=username)
    response = Response(html, status=429, mimetype="text/html")
    response.headers["Retry-After"] = str(wait)
    return response
