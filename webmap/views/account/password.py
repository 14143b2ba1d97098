"""The signed-in person's own account: changing the password (/account/password), the language
of their pages (/account/language), and the rule that a password someone else set is changed
before anything else is done."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from geodata.accounts import credentials as accounts
from geodata.accounts import logins, passwords, sessions
from geodata.errors import Forbidden, InvalidInput, RateLimited
from geodata.model import LANGS
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import Lazy, message_of, t
from webmap.views.account import auth

bp = Blueprint("account", __name__)

# What a user who must change their password may still reach (the page itself, signing out, files).
OPEN_ENDPOINTS = ("account.password", "account.language", "auth.logout", "auth.login", "static")
TOO_LONG = Lazy("password.too_long")


class PasswordChangeRequired(Forbidden):
    """An API call from a session whose password an administrator set and its owner has not changed."""

    code = "password_change_required"


class PasswordForm(FlaskForm):
    current = PasswordField(
        Lazy("password.current"),
        [DataRequired(Lazy("password.need_current")), Length(max=passwords.MAX_LENGTH, message=TOO_LONG)],
    )
    new = PasswordField(
        Lazy("password.new"),
        [DataRequired(Lazy("password.need_new")), Length(max=passwords.MAX_LENGTH, message=TOO_LONG)],
    )
    confirm = PasswordField(
        Lazy("password.confirm"),
        [DataRequired(Lazy("password.need_confirm")), EqualTo("new", Lazy("password.mismatch"))],
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
            "请先修改密码：您的密码由管理员设置，须在网页 /account/password 修改后才能使用。",
            en="Please change your password first: an administrator set it, and it must be changed on the page /account/password before it can be used.",
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
        flash(message_of(exc), "error")
        headers = {"Retry-After": str(exc.details["retry_after"])}
        return render_template("account/password.html", form=form), 429, headers
    except InvalidInput as exc:
        if exc.details.get("field") == "current":
            logins.record_failure(store, username, auth.client(), at, policy)
            auth.event("password_change", username, "refused", reason="wrong_current_password")
        getattr(form, exc.details.get("field", "new"), form.new).errors.append(message_of(exc))
        return render_template("account/password.html", form=form), 400
    logins.record_success(store, username)
    auth.event("password_change", username, "ok")
    flash(t("password.changed"), "info")
    return redirect(url_for("portal.index"))


@bp.post("/account/language")
@login_required
def language():
    """Remember the language this person reads the staff pages in (中文 or English; a ``?lang=``
    in a URL still wins for that page) and go back to the page they were on."""
    lang = request.form.get("lang", "")
    if lang not in LANGS:
        raise InvalidInput(
            f"语言 {lang[:20]!r} 无效：可选 zh（中文）或 en（English）",
            en=f"The language {lang[:20]!r} is invalid: choose zh (Chinese) or en (English)",
            field="lang",
        )
    store = get_store()
    store.update_user(replace(store.get_user(current_user.id), lang=lang))
    audit("account.language", current_user.username, lang=lang)
    return redirect(auth.safe_next(request.form.get("next")))
