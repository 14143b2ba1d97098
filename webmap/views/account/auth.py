"""Sign in and out (Flask-Login over the store's users and server-side sessions, DESIGN §11).

A sign-in opens a ``user_session`` row (geodata/accounts/sessions.py) whose token rides in the signed cookie;
every request checks that row, so a session really ends at logout, a password change, after idle
time or its maximum age, whatever copies of the cookie exist. Failures lock the account and
throttle the address (geodata/accounts/logins.py). Every identity event goes through ``event``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from geodata import clock
from geodata.accounts import credentials as accounts
from geodata.accounts import logins, sessions
from geodata.errors import NotFound, RateLimited, Unauthorized
from geodata.model import User
from webmap import get_store, settings
from webmap.audit import address_hash, audit
from webmap.i18n import CATALOGUES, DEFAULT_LANG, Lazy, current_lang, lang_url, message_of, t

bp = Blueprint("auth", __name__)

SESSION_TOKEN = "portal_session"  # the key of the session token in Flask's signed cookie
JSON_PREFIXES = ("/api/", "/open311/", "/ogcapi/", "/tiles/")  # as webmap/views/errors.py
ENDED_MESSAGES = {
    "idle": Lazy("login.idle"),
    "expired": Lazy("login.idle"),
    "ended": Lazy("login.ended"),
}


def now() -> datetime:
    """The clock of sign-ins and sessions (tests replace this one function)."""
    return clock.now()


def event(action: str, username: str, result: str = "ok", **detail) -> None:
    """Every identity event of a request (sign-in ok or refused, a lock, a throttle, logout, a
    password change, a session timed out) goes to the audit log as ``auth.<action>`` on
    ``user:<name>`` with that name as the actor, ``result`` ok or refused and why in ``reason``.
    Commands are recorded by ``audited_command`` (webmap/cli/users.py); here they are only logged."""
    current_app.logger.info("identity %s user=%r result=%s %s", action, username, result, detail or "")
    if not has_request_context():
        return
    already = g.get("audited")
    audit(f"auth.{action}", f"user:{username}", result, actor=username, **detail)
    if action == "session_expired" and not already:
        g.pop("audited", None)  # incidental: the request's own write is still recorded as usual


def client() -> str:
    """The sender's address as the 随手拍 limiter keeps it: a keyed hash."""
    return address_hash()


def login_policy() -> logins.LoginPolicy:
    s = settings()
    return logins.LoginPolicy(
        s.login_max_failures, timedelta(minutes=s.login_lock_minutes), s.login_address_max_failures
    )


def session_policy() -> sessions.SessionPolicy:
    s = settings()
    return sessions.SessionPolicy(
        timedelta(minutes=s.session_idle_minutes), timedelta(hours=s.session_max_hours)
    )


class PortalUser(UserMixin):
    """The signed-in person, as Flask-Login sees them."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = user.role
        self.county_id = user.county_id
        self.unit_id = user.unit_id
        self.panel = user.panel
        self.must_change_password = user.must_change_password
        self.lang = user.lang

    @property
    def role_name(self) -> str:
        return t(f"role.{self.role}")


class LoginForm(FlaskForm):
    username = StringField(
        Lazy("login.username"),
        validators=[
            DataRequired(Lazy("login.need_username")),
            Length(max=100, message=Lazy("login.username_long")),
        ],
    )
    password = PasswordField(
        Lazy("login.password"),
        validators=[
            DataRequired(Lazy("login.need_password")),
            Length(max=200, message=Lazy("login.password_long")),
        ],
    )


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.user_loader(_load_user)
    manager.unauthorized_handler(_unauthorized)


def _load_user(user_id: str) -> PortalUser | None:
    """The user of this request's session, if that session is still open on the server. A cookie
    without a session token (Flask-Login's remember cookie, a pre-upgrade cookie) signs no one in."""
    token = session.get(SESSION_TOKEN)
    try:
        uid = int(user_id)
    except ValueError:
        return None
    if not token:
        return None
    store = get_store()
    found = sessions.check(store, token, uid, now(), session_policy())
    if found == "open":
        try:
            user = store.get_user(uid)
        except NotFound:
            user = None
        if user is not None and user.disabled_at is None:
            return PortalUser(user)
        sessions.end(store, token, now(), "disabled")
        found = "ended"
    g.session_ended = found
    for key in (SESSION_TOKEN, "_user_id", "_fresh", "_id"):
        session.pop(key, None)
    if found in ("idle", "expired"):
        event("session_expired", _username(uid), "ok", reason=found)
    return None


def _username(user_id: int) -> str:
    try:
        return get_store().get_user(user_id).username
    except NotFound:
        return f"#{user_id}"


def _unauthorized():
    ended = ENDED_MESSAGES.get(g.get("session_ended"))
    if request.blueprint == "api" or request.path.startswith(JSON_PREFIXES):
        key = ended.key if ended else "login.first"
        raise Unauthorized(CATALOGUES["zh"][key], en=CATALOGUES["en"][key])
    flash(str(ended or t("login.first")), "info")
    return redirect(lang_url("auth.login", next=request.full_path.rstrip("?")))  # in the page's language


def authenticate(username: str, password: str) -> User | None:
    """The user with this name and password, or None (without telling which was wrong)."""
    return accounts.authenticate(get_store(), username, password)


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a link send a leader anywhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return landing(current_user.role)


def landing(role: str) -> str:
    """Where each role's work is: inspectors on the field home (a phone's), unit staff on their
    open cases, leaders and administrators on the map."""
    if role == "inspector":
        return url_for("case_pages.field_home")
    if role == "unit_staff":
        return url_for("case_pages.case_list", status="open")
    return url_for("portal.index")


def sign_in(user: User) -> None:
    """A fresh cookie session (nothing carried over from before: no fixation) with a new
    server-side session in it."""
    session.clear()
    agent = request.user_agent.string or ""
    token = sessions.start(get_store(), user.id, client(), agent, now())
    login_user(PortalUser(user))
    session[SESSION_TOKEN] = token


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    username, password = form.username.data.strip(), form.password.data
    store, at, policy = get_store(), now(), login_policy()
    try:
        logins.check_allowed(store, username, client(), at, policy)
    except RateLimited as exc:
        reason = "account_locked" if isinstance(exc, logins.AccountLocked) else "address_throttled"
        event("login", username, "refused", reason=reason)
        return _refused(form, message_of(exc), 429, exc.details["retry_after"])
    user = authenticate(username, password)
    if user is None:
        locked = logins.record_failure(store, username, client(), at, policy)
        event("login", username, "refused", reason="bad_credentials")
        if locked:
            event("account_locked", username, "ok", minutes=settings().login_lock_minutes)
        return _refused(form, t("login.wrong"), 401)
    if user.disabled_at is not None:
        event("login", username, "refused", reason="disabled")
        return _refused(form, t("login.disabled"), 403)
    logins.record_success(store, username)
    sign_in(user)
    event("login", username, "ok")
    if user.must_change_password:
        return to_password_change()
    return redirect(safe_next(request.args.get("next")))


def to_password_change():
    """To the password form, saying why once (a page and its favicon both pass here)."""
    message = ("info", t("login.must_change"))
    if tuple(message) not in map(tuple, session.get("_flashes", [])):
        flash(message[1], message[0])
    return redirect(url_for("account.password"))


def _refused(form: LoginForm, message: str, status: int, retry_after: int | None = None):
    flash(message, "error")
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    token = session.get(SESSION_TOKEN)
    if token:
        sessions.end(get_store(), token, now(), "logout")
    event("logout", current_user.username, "ok")
    said, lang = t("login.logged_out"), current_lang()  # in their language, while still known
    logout_user()
    session.clear()
    flash(said, "info")
    return redirect(url_for("auth.login", **({"lang": lang} if lang != DEFAULT_LANG else {})))
