"""/auth/register, /auth/login, /auth/logout."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from photoshare.data.db import get_conn, transaction
from photoshare.errors import EmailTaken, InvalidUsername, UsernameTaken
from photoshare.repositories import LoginAttemptRepository, ProfileRepository, UserRepository
from photoshare.web.auth.forms import LoginForm, RegisterForm
from photoshare.web.auth.session import SessionUser, hash_password, verify_password
from photoshare.web.security import is_local_path

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _start_session(user, remember: bool = False) -> None:
    # A fresh session at log-in: nothing from before (fixation) survives.
    session.clear()
    login_user(SessionUser(user), remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account and its profile, then log in."""
    if current_user.is_authenticated:
        return redirect(url_for("posts.feed"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            with transaction() as conn:
                user = UserRepository(conn).add(form.username.data, form.email.data,
                                                hash_password(form.password.data))
                ProfileRepository(conn).add(user.id)
        except UsernameTaken:
            form.username.errors.append("That username is taken.")
        except EmailTaken:
            form.email.errors.append("An account with that email already exists.")
        except InvalidUsername:
            form.username.errors.append("Use 1 to 30 letters, digits, underscores or dots.")
        else:
            _start_session(user)
            flash(f"Welcome to photoshare, {user.username}!", "success")
            return redirect(url_for("posts.feed"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


def _client_addr() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in by username or email; throttled per account and per client address."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_local_path(next_url) else url_for("posts.feed"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        login_name = form.login.data
        conn = get_conn()
        user = UserRepository(conn).get_by_login(login_name)
        # Failures count against the account, whichever of its names (or cases) was typed.
        account = user.username if user else login_name
        attempts = LoginAttemptRepository(conn)
        by_login, by_client = attempts.recent_failures(account, _client_addr(),
                                                       current_app.config["LOGIN_WINDOW_SECONDS"])
        if (by_login >= current_app.config["LOGIN_MAX_FAILURES"]
                or by_client >= current_app.config["LOGIN_MAX_FAILURES_PER_CLIENT"]):
            minutes = current_app.config["LOGIN_WINDOW_SECONDS"] // 60
            flash(f"Too many failed log-ins. Please wait {minutes} minutes and try again.", "error")
            return render_template("auth/login.html", form=form, next=next_url), 429
        if verify_password(user, form.password.data):
            with transaction():
                attempts.clear(account)
            _start_session(user, remember=form.remember.data)
            return redirect(next_url if is_local_path(next_url) else url_for("posts.feed"))
        with transaction():
            attempts.record_failure(account, _client_addr())
            # Pruned here rather than by a scheduler: the app has no background jobs.
            attempts.prune()
        form.password.errors.append("Wrong username, email or password.")
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form, next=next_url), status


@bp.post("/logout")
def logout():
    """Log out (a POST: CSRFProtect checks its token)."""
    # Cleared first: logout_user() leaves a note in the session to delete the remember cookie.
    session.clear()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
