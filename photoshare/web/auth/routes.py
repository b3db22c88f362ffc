"""/auth/register, /auth/login, /auth/logout."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from photoshare.data.db import get_conn
from photoshare.errors import EmailTaken, InvalidUsername, UsernameTaken
from photoshare.services.accounts import register_account
from photoshare.services.login_throttle import LoginLimits, attempt_login
from photoshare.web.auth.forms import USERNAME_MESSAGE, LoginForm, RegisterForm
from photoshare.web.auth.session import end_session, start_session
from photoshare.web.security import is_local_path

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account and its profile, then log in."""
    if current_user.is_authenticated:
        return redirect(url_for("posts.feed"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_account(get_conn(), form.username.data, form.email.data, form.password.data)
        except UsernameTaken:
            form.username.errors.append("That username is taken.")
        except EmailTaken:
            form.email.errors.append("An account with that email already exists.")
        except InvalidUsername:
            form.username.errors.append(USERNAME_MESSAGE)
        else:
            start_session(user)
            flash(f"Welcome to photoshare, {user.username}!", "success")
            return redirect(url_for("posts.feed"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


def _login_limits() -> LoginLimits:
    config = current_app.config
    return LoginLimits(config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_CLIENT"],
                       config["LOGIN_WINDOW_SECONDS"])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in by username or email; throttled per account and per client address."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_local_path(next_url) else url_for("posts.feed"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        limits = _login_limits()
        result = attempt_login(get_conn(), form.login.data, form.password.data,
                               request.remote_addr or "unknown", limits)
        if result.throttled:
            flash(f"Too many failed log-ins. Please wait {limits.window_seconds // 60} minutes and try again.",
                  "error")
            return render_template("auth/login.html", form=form, next=next_url), 429
        if result.user is not None:
            start_session(result.user, remember=form.remember.data)
            return redirect(next_url if is_local_path(next_url) else url_for("posts.feed"))
        form.password.errors.append("Wrong username, email or password.")
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form, next=next_url), status


@bp.post("/logout")
def logout():
    """Log out (a POST: CSRFProtect checks its token)."""
    end_session()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
