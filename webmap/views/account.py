"""The signed-in person's own account: changing the password (/account/password), and the rule
that a password someone else set is changed before anything else is done."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from geodata import accounts, logins, passwords, sessions
from geodata.errors import Forbidden, InvalidInput, RateLimited
from webmap import get_store
from webmap.views import auth

bp = Blueprint("account", __name__)

# What a user who must change their password may still reach (the page itself, signing out, files).
OPEN_ENDPOINTS = ("account.password", "auth.logout", "auth.login", "static")
TOO_LONG = f"密码最多 {passwords.MAX_LENGTH} 个字符"


class PasswordChangeRequired(Forbidden):
    """An API call from a session whose password an administrator set and its owner has not changed."""

    code = "password_change_required"


class PasswordForm(FlaskForm):
    current = PasswordField(
        "当前密码", [DataRequired("请输入当前密码"), Length(max=passwords.MAX_LENGTH, message=TOO_LONG)]
    )
    new = PasswordField(
        "新密码", [DataRequired("请输入新密码"), Length(max=passwords.MAX_LENGTH, message=TOO_LONG)]
    )
    confirm = PasswordField(
        "确认新密码", [DataRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")]
    )


@bp.before_app_request
def _password_first():
    """A password set by someone else is changed before anything else: pages lead to the form,
    APIs answer 403. Only requests of a signed-in session pay for the check."""
    if "_user_id" not in session or request.endpoint in OPEN_ENDPOINTS:
        return None
    if (request.endpoint or "").startswith("assets."):
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.blueprint == "api" or request.path.startswith(auth.JSON_PREFIXES):
        raise PasswordChangeRequired(
            "请先修改密码：您的密码由管理员设置，须在网页 /account/password 修改后才能使用。"
        )
    return auth.to_password_change()


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_template("account/password.html", form=form), 400 if form.errors else 200
    store, at, policy = get_store(), auth.now(), auth.login_policy()
    username = current_user.username
    try:
        # A wrong current password counts like a wrong one at sign-in: a borrowed session must not
        # become a way to guess it.
        logins.check_allowed(store, username, auth.client(), at, policy)
        accounts.change_own_password(
            store, store.get_user(current_user.id), form.current.data, form.new.data, at,
            keep=sessions.session_id(session[auth.SESSION_TOKEN]),
        )  # fmt: skip
    except RateLimited as exc:
        flash(exc.message, "error")
        headers = {"Retry-After": str(exc.details["retry_after"])}
        return render_template("account/password.html", form=form), 429, headers
    except InvalidInput as exc:
        if exc.details.get("field") == "current":
            logins.record_failure(store, username, auth.client(), at, policy)
            auth.event("password_change", username, "refused", reason="wrong_current_password")
        getattr(form, exc.details.get("field", "new"), form.new).errors.append(exc.message)
        return render_template("account/password.html", form=form), 400
    logins.record_success(store, username)
    auth.event("password_change", username, "ok")
    flash("密码已修改；您在其他设备上的登录已全部退出。", "info")
    return redirect(url_for("portal.index"))
