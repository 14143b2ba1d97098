"""Sign in and out (Flask-Login over the store's users, werkzeug password hashes)."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from geodata.errors import NotFound, Unauthorized
from geodata.model import ROLE_ZH, User
from webmap import get_store

bp = Blueprint("auth", __name__)


class PortalUser(UserMixin):
    """The signed-in person, as Flask-Login sees them."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = user.role
        self.county_id = user.county_id
        self.unit_id = user.unit_id
        self.panel = user.panel

    @property
    def role_name(self) -> str:
        return ROLE_ZH.get(self.role, self.role)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=100)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200)])


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "请先登录。"
    manager.user_loader(_load_user)
    manager.unauthorized_handler(_unauthorized)


def _load_user(user_id: str) -> PortalUser | None:
    try:
        return PortalUser(get_store().get_user(int(user_id)))
    except (NotFound, ValueError):
        return None


def _unauthorized():
    if request.blueprint == "api" or request.path.startswith("/api/"):
        raise Unauthorized("login required")
    flash("请先登录。", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def authenticate(username: str, password: str) -> User | None:
    """The user with this name and password, or None (without telling which was wrong)."""
    try:
        user = get_store().get_user_by_name(username)
    except NotFound:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@cache
def _dummy_hash() -> str:
    """Checked against when the username is unknown, so both refusals take the same time."""
    return generate_password_hash("not a password")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a link send a leader anywhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("portal.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            login_user(PortalUser(user))
            return redirect(_safe_next(request.args.get("next")))
        flash("用户名或密码不正确。", "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))
