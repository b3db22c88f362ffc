"""The app as the benchmark serves it: photoshare itself, plus one page that does no work of its own.

`/bench/logged-in` costs what every logged-in page pays before its own work: the request through
the app's hooks, the session's user loaded (one statement), and the layout rendered around an empty
page. Each page's p50 and CPU are compared with it (`x logged-in` in the table), so a ratio says
what the page's own work costs, apart from the fixed stack that bare Flask ("hello") does not have.
"""

from flask import render_template
from flask_login import login_required

from wsgi import app

# Compiled once, like the app's own templates.
_EMPTY_PAGE = app.jinja_env.from_string('{% extends "base.html" %}{% block title %}Nothing{% endblock %}')


@app.get("/bench/logged-in")
@login_required
def logged_in_baseline():
    """The layout around nothing, for a logged-in user."""
    return render_template(_EMPTY_PAGE)
