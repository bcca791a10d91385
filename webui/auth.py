"""Sessions (Flask-Login) for pages, bearer tokens for the API, and the login page.

A request is authenticated one way only. With a bearer header it is its token's
alone (the session cookie is ignored), and tokens count only under API_PREFIX:
on a page a bearer header means not signed in. Every API view declares its
access (`webui.api.spec.operation`), enforced for sessions and tokens alike by
`enforce_api_access`. A login session stays valid while the generation it was
issued with is the user's current one (see `contracts.credentials`).
"""

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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Request, Response

from contracts.errors import AuthenticationError, LoginThrottledError
from contracts.identity import accounts, credentials
from contracts.identity.actor import Actor
from contracts.identity.login_throttle import LoginThrottle, ThrottleLimits
from contracts.identity.models import User
from webui.extensions import db, login_manager
from webui.redirects import safe_next

bp = Blueprint("auth", __name__)

API_PREFIX = "/api/v1/"
GENERATION_KEY = "_cf_generation"


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


def bearer_token(req: Request) -> str | None:
    """The bearer token a request carries, if any."""
    header = req.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None


def is_api_request() -> bool:
    """Whether this request is for the JSON API (the only place bearer tokens count)."""
    return request.path.startswith(API_PREFIX)


def start_session(user: User) -> None:
    """Sign the browser in, bound to the user's current session generation."""
    login_user(user)
    session[GENERATION_KEY] = user.session_generation


def enforce_api_access() -> Response | None:
    """Before any /api/v1 view: refuse undeclared views, anonymous callers and missing scopes."""
    from webui.api.spec import declared_access
    from webui.errors import error_response

    if not is_api_request() or request.endpoint is None:
        return None  # a page, or no such route (404/405 follow)
    access = declared_access(current_app.view_functions.get(request.endpoint))
    if access is None:
        return error_response(
            403, "undeclared_endpoint", "this API endpoint declares no access; it is closed"
        )
    if access.public:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return check_token(access.scope)


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

    app.before_request(enforce_api_access)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if bearer_token(request) is not None:
            return None  # the token alone speaks for a bearer request
        user = accounts.signed_in_user(db.session, int(user_id))
        if user is None or session.get(GENERATION_KEY) != user.session_generation:
            return None  # signed out since (logout, elsewhere, password change)
        return user

    @login_manager.request_loader
    def _load_from_token(req: Request) -> User | None:
        secret = bearer_token(req)
        if secret is None or not is_api_request():
            return None
        token = accounts.token_for(db.session, secret)
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
def login() -> str | tuple[str, int] | Response:
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        try:
            user = credentials.sign_in(
                db.session,
                username,
                request.form.get("password", ""),
                throttle=login_throttle(),
                ip=client_ip(),
            )
        except LoginThrottledError as exc:
            db.session.commit()  # keeps the login.failed entry sign_in wrote
            return _throttled(username, exc)
        except AuthenticationError:
            db.session.commit()  # keeps the login.failed entry sign_in wrote
            flash(_("Wrong user name or password."), "error")
            return render_template("auth/login.html", username=username), 401
        start_session(user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next"), landing_page(user)))
    return render_template("auth/login.html", username="")


@bp.post("/logout")
@login_required
def logout() -> Response:
    credentials.sign_out(db.session, current_actor())
    db.session.commit()
    end_browser_session()
    return redirect(url_for("auth.login"))


def end_browser_session() -> None:
    """Forget the sign-in in this browser's cookie (the server side ended it already)."""
    logout_user()
    session.pop(GENERATION_KEY, None)


@bp.get("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(landing_page(current_user))


def landing_page(user: User) -> str:
    """Where a sign-in lands: administrators on the overview, everyone else on their home."""
    if user.has_role("admin", "process_admin"):
        return url_for("home.admin")
    return url_for("home.index")


def _throttled(username: str, exc: LoginThrottledError) -> Response:
    """The login page again, 429 with Retry-After: no password was checked."""
    wait = int(exc.details["retry_after_seconds"])
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
