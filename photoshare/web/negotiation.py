"""Whether a request asks for JSON (the like button's script) rather than a page."""

from flask import request


def wants_json() -> bool:
    """True when the client prefers JSON to HTML; a tie (e.g. */*) means HTML."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
