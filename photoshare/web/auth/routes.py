"""/auth/register, /auth/login (the visitors' landing page), /auth/logout, and password recovery:
/auth/forgot, /auth/reset/<token>, /auth/verify/<token>."""

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from photoshare.data.db import get_conn
from photoshare.errors import EmailTaken, InvalidUsername, UsernameTaken
from photoshare.services import rate_limits
from photoshare.services.accounts import register_account
from photoshare.services.client_address import client_key
from photoshare.services.email_verification import send_verification, verify_email
from photoshare.services.login_throttle import LoginLimits, attempt_login
from photoshare.services.password_reset import request_password_reset, reset_link_owner, reset_password
from photoshare.services.rate_limits import Rate
from photoshare.web.auth.devices import remember_device, this_device
from photoshare.web.auth.forms import (
    PASSWORD_HINT,
    USERNAME_HINT,
    USERNAME_MESSAGE,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from photoshare.web.auth.session import end_session, start_session
from photoshare.web.forms import form_view, no_store
from photoshare.web.mail_links import account_mail
from photoshare.web.security import is_local_path

bp = Blueprint("auth", __name__, url_prefix="/auth")

VERIFY_SENT = "We sent a link to {email}: open it to confirm your address."


@bp.route("/register", methods=["GET", "POST"])
@form_view
def register():
    """Create an account and its profile, log in, and mail a link that verifies the address."""
    if current_user.is_authenticated:
        return redirect(url_for("posts.feed"))
    form = RegisterForm()
    if form.validate_on_submit():
        wait = rate_limits.take(get_conn(), "signup", client_key(request.remote_addr or "unknown"), Rate(
            current_app.config["SIGNUP_LIMIT"], current_app.config["SIGNUP_WINDOW_SECONDS"]))
        if wait is not None:
            flash(f"Too many sign-ups from your network. Please wait {wait_message(wait)} and try again.", "error")
            form.password.data = form.confirm.data = ""
            return throttled(render_template("auth/register.html", form=form, username_hint=USERNAME_HINT,
                                             password_hint=PASSWORD_HINT), wait)
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
            send_verification(get_conn(), account_mail(), user)
            flash(f"Welcome to photoshare, {user.username}!", "success")
            flash(VERIFY_SENT.format(email=user.email), "info")
            return redirect(url_for("posts.feed"))
    # The passwords come back filled only when they were fine and another field was the problem
    # (a taken username): typing both again is what made people give up. The page is not stored.
    if form.password.errors or form.confirm.errors:
        form.password.data = form.confirm.data = ""
    status = 400 if form.is_submitted() else 200
    return no_store(current_app.make_response((
        render_template("auth/register.html", form=form, username_hint=USERNAME_HINT, password_hint=PASSWORD_HINT),
        status)))


def login_limits() -> LoginLimits:
    """The password throttle's numbers, for log-in and for the settings that ask for the password."""
    config = current_app.config
    return LoginLimits(config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_CLIENT"],
                       config["LOGIN_WINDOW_SECONDS"], config["LOGIN_BASE_DELAY_SECONDS"],
                       config["LOGIN_MAX_DELAY_SECONDS"])


def wait_message(seconds: int) -> str:
    """"Please wait …" in words a person reads at a glance."""
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def throttled(response, retry_after: int):
    """A 429 page with Retry-After."""
    response = current_app.make_response(response)
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


def _login_page(form: LoginForm, next_url: str | None, status: int):
    # A visitor sent here from a page that needs log-in sees what photoshare is, with log-in and
    # sign-up side by side (the landing page), not a bare box.
    return render_template("auth/login.html", form=form, next=next_url,
                           deep_link=is_local_path(next_url) and next_url != url_for("posts.feed")), status


@bp.route("/login", methods=["GET", "POST"])
@form_view
def login():
    """The landing page: what photoshare is, log-in by username or email (throttled), and sign-up."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_local_path(next_url) else url_for("posts.feed"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        device = this_device()
        result = attempt_login(get_conn(), form.login.data, form.password.data, request.remote_addr or "unknown",
                               login_limits(), device.id if device else None,
                               device.user_ids if device else frozenset())
        if result.throttled:
            flash(f"Too many tries. Please wait {wait_message(result.retry_after)} and try again.", "error")
            return throttled(_login_page(form, next_url, 429), result.retry_after)
        if result.user is not None:
            start_session(result.user, remember=form.remember.data)
            return remember_device(redirect(next_url if is_local_path(next_url) else url_for("posts.feed")),
                                   result.user.id)
        form.password.errors.append("Wrong username, email or password.")
        status = 400
    elif form.is_submitted():
        status = 400
    return _login_page(form, next_url, status)


@bp.post("/logout")
def logout():
    """Log out (a POST: CSRFProtect checks its token)."""
    end_session()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@form_view
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not an account has the address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(get_conn(), account_mail(), form.email.data)
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form), 400 if form.is_submitted() else 200


def _dead_link(message: str, again_url: str, again_label: str):
    """The 400 page of a used, expired or unknown link, with the way to get a new one."""
    page = render_template("auth/dead_link.html", message=message, again_url=again_url, again_label=again_label)
    return no_store(current_app.make_response((page, 400)))


@bp.route("/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
@form_view
def reset_password_page(token: str):
    """Choose a new password with a mailed link (once, within the hour); logs in here and out elsewhere."""
    user = reset_link_owner(get_conn(), token)
    if user is None:
        return _dead_link("This password-reset link does not work: it was used already, it is more than an "
                          "hour old, or it was copied incompletely.", url_for("auth.forgot_password"),
                          "Ask for a new link")
    form = ResetPasswordForm(user.username)
    if form.validate_on_submit():
        user = reset_password(get_conn(), token, form.password.data)
        if user is None:  # used by another request in the meantime
            return _dead_link("This password-reset link was used already.", url_for("auth.forgot_password"),
                              "Ask for a new link")
        # Every session of the account ended with the reset: this browser gets a new one.
        start_session(user)
        account_mail().password_changed(user.email, user.username)
        flash("Your password is changed, and every other browser is logged out.", "success")
        return redirect(url_for("posts.feed"))
    status = 400 if form.is_submitted() else 200
    return no_store(current_app.make_response((
        render_template("auth/reset.html", form=form, username=user.username, password_hint=PASSWORD_HINT), status)))


@bp.get("/verify/<token>", endpoint="verify_email")
def verify_email_page(token: str):
    """Open a verification link: the address it was sent to is verified."""
    email = verify_email(get_conn(), token)
    if email is None:
        return _dead_link("This confirmation link does not work: it was used already, it is more than three "
                          "days old, or your account has another address now.", url_for("profiles.account"),
                          "Get a new link in your account settings")
    return render_template("auth/verified.html", email=email)

