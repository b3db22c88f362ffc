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
from werkzeug.routing import BaseConverter

_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+)(?P<options>\([^)<>]*\))?:)?(?P<name>\w+)>")
# The characters Werkzeug leaves unquoted in a path segment and in a query string.
_PATH_SAFE = "!$&'()*+,/:;=@"
_QUERY_SAFE = "!$'()*,/:;?@"
# "username" matches less than "string" but builds the same way (UsernameConverter keeps to_url).
_PLAIN_CONVERTERS = {None, "default", "string", "path", "int", "username"}
# A value made only of characters quote() leaves alone needs no quoting (most usernames and keys).
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~!$&'()*+,/:;=@-]*")


class UsernameConverter(BaseConverter):
    """<username:name>: only a name the username rule allows; anything else (/u/.., /u/a..b) is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        from photoshare.web.auth.forms import USERNAME_PATTERN  # the one statement of the rule

        super().__init__(url_map, *args, **kwargs)
        self.regex = USERNAME_PATTERN


def _compile(rule_text: str) -> tuple[str, list[tuple[str, bool, str]]] | None:
    """The rule as its leading literal and (argument, is_int, literal after it) pieces,
    or None when it needs Werkzeug."""
    pieces, pos = [], 0
    head = None
    for match in _ARGUMENT.finditer(rule_text):
        converter = match.group("converter")
        options = match.group("options") or ""
        # int's min, max and signed only restrict matching: it builds str(value) whatever they are.
        if converter not in _PLAIN_CONVERTERS or (options and (converter != "int" or "fixed_digits" in options)):
            return None
        literal = rule_text[pos:match.start()]
        if head is None:
            head = literal
        else:
            pieces[-1] = (*pieces[-1][:2], literal)
        pieces.append((match.group("name"), converter == "int", ""))
        pos = match.end()
    if "<" in rule_text[pos:]:
        return None  # a converter this regex does not read
    if head is None:
        return rule_text, []
    pieces[-1] = (*pieces[-1][:2], rule_text[pos:])
    return head, pieces


def quote_segment(value: str) -> str:
    """A path argument quoted as Werkzeug's string and path converters quote it."""
    return value if _UNQUOTED.fullmatch(value) else quote(value, safe=_PATH_SAFE)


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
                    compiled = _compile(rule.rule)
                    # An argument named _x would read as url_for's own _external, _anchor...
                    if compiled is not None and not any(arg.startswith("_") for arg in rule.arguments):
                        self._routes[endpoint] = (*compiled, frozenset(rule.arguments))
        return self._routes

    def __call__(self, endpoint: str, **values) -> str:
        return self.build(request.script_root, endpoint, values) or url_for(endpoint, **values)

    def build(self, root: str, endpoint: str, values: dict) -> str | None:
        """The URL under script root `root` by string formatting, or None when Flask must build it."""
        route = (self._routes if self._routes is not None else self._table()).get(endpoint)
        if route is None or self.app.url_default_functions:
            return None
        head, pieces, arguments = route
        query = None
        if len(values) != len(arguments) or not arguments <= values.keys():
            if not arguments <= values.keys() or any(key[0] == "_" for key in values):
                return None
            query = [(k, v) for k, v in values.items() if k not in arguments and v is not None]
        url = root + head
        for name, is_int, literal in pieces:
            value = str(values[name])
            url += (value if is_int else quote_segment(value)) + literal
        if query:
            url += self.query_string(query)
        return url

    @staticmethod
    def query_string(values) -> str:
        """'?a=1&b=2' encoded as Werkzeug encodes url_for's extra arguments."""
        return "?" + urlencode(values, doseq=True, safe=_QUERY_SAFE)
