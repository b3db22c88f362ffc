"""A url_for for templates that builds simple routes by string formatting.

A feed page links each of its posts about ten times; Flask's url_for goes through the
app context, URL defaults and Werkzeug's rule matching for every one of them, which was
a third of the page's time. Routes with a single rule and plain converters are built
here from the rule text instead, with the same quoting as Werkzeug; anything else
(several rules, converter arguments, _external, URL defaults) goes to Flask's url_for.
"""

import re
from urllib.parse import quote, urlencode

from flask import Flask, request, url_for

_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
# The characters Werkzeug leaves unquoted in a path segment and in a query string.
_PATH_SAFE = "!$&'()*+,/:;=@"
_QUERY_SAFE = "!$'()*,/:;?@"
_PLAIN_CONVERTERS = {None, "default", "string", "path", "int"}


def _compile(rule_text: str) -> list[tuple[str, str | None, str | None]] | None:
    """The rule as (literal, argument, converter) pieces, or None when it needs Werkzeug."""
    pieces, pos = [], 0
    for match in _ARGUMENT.finditer(rule_text):
        if match.group("converter") not in _PLAIN_CONVERTERS:
            return None
        pieces.append((rule_text[pos:match.start()], match.group("name"), match.group("converter")))
        pos = match.end()
    if "<" in rule_text[pos:]:
        return None  # a converter with arguments, e.g. <int(min=1):id>
    pieces.append((rule_text[pos:], None, None))
    return pieces


class UrlBuilder:
    """Callable like url_for(endpoint, **values); fast for single-rule routes."""

    def __init__(self, app: Flask):
        self.app = app
        self._routes: dict | None = None

    def _table(self) -> dict:
        # Built on first use: blueprints are registered after the template helpers.
        if self._routes is None:
            rules: dict[str, list] = {}
            for rule in self.app.url_map.iter_rules():
                rules.setdefault(rule.endpoint, []).append(rule)
            self._routes = {}
            for endpoint, found in rules.items():
                rule = found[0]
                if len(found) == 1 and not rule.defaults and not rule.subdomain and not rule.host:
                    pieces = _compile(rule.rule)
                    if pieces is not None:
                        self._routes[endpoint] = (pieces, frozenset(rule.arguments))
        return self._routes

    def __call__(self, endpoint: str, **values) -> str:
        route = self._table().get(endpoint)
        if (route is None or self.app.url_default_functions
                or any(key.startswith("_") for key in values) or not route[1] <= values.keys()):
            return url_for(endpoint, **values)
        pieces, arguments = route
        out = [request.script_root]
        for literal, name, converter in pieces:
            out.append(literal)
            if name is not None:
                value = values[name]
                out.append(str(value) if converter == "int" else quote(str(value), safe=_PATH_SAFE))
        query = [(k, v) for k, v in values.items() if k not in arguments and v is not None]
        if query:
            out.append("?" + urlencode(query, doseq=True, safe=_QUERY_SAFE))
        return "".join(out)
