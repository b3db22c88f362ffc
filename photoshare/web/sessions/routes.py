"""/settings/sessions: where the account is logged in, with "log out" per session and everywhere else."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from photoshare.data.db import get_conn
from photoshare.services import sessions
from photoshare.web.auth.session import end_session

bp = Blueprint("sessions", __name__, url_prefix="/settings/sessions")


@bp.get("")
@login_required
def index():
    """The live sessions, most recently seen first; this browser's is marked."""
    listed, more = sessions.active(get_conn(), current_user.id)
    return render_template("sessions/index.html", sessions=listed, more=more, listed_max=sessions.SESSIONS_LISTED,
                           current_id=current_user.session_id)


@bp.post("/<int:session_id>/revoke")
@login_required
def revoke(session_id: int):
    """Log out one session of the account (this browser's own: a log-out)."""
    if session_id == current_user.session_id:
        end_session()
        flash("You are logged out.", "info")
        return redirect(url_for("auth.login"))
    # Someone else's session, or one already ended: the same 404, so ids reveal nothing.
    if not sessions.end(get_conn(), current_user.id, session_id):
        abort(404)
    flash("That session is logged out.", "success")
    return redirect(url_for("sessions.index"))


@bp.post("/revoke-others")
@login_required
def revoke_others():
    """Log out every session of the account but this browser's."""
    sessions.end_others(get_conn(), current_user.id, current_user.session_id)
    flash("Every other session is logged out.", "success")
    return redirect(url_for("sessions.index"))
