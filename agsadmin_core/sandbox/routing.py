"""Route declarations and the router: each area's ``routes`` module lists ``Route`` values.

A declaration says which methods a URL answers, its path pattern, the
handler, the release that introduced it and a one-line description. The
router matches request paths against them; the coverage table in
``docs/sandbox.md`` (and ``--coverage-table``) is generated from the same
declarations, never kept by hand.

Pattern syntax (paths from the origin, e.g. ``/arcgis/admin/services/<folder>``):
``<folder>`` one folder name (no dot), ``<service>`` ``Name.Type``, ``<type>``
a REST service type (``MapServer``), ``<rest>`` anything below, any other
``<x>`` one path segment; ``[...]`` an optional piece. Literal text matches
case-insensitively (Esri's samples send ``/Stop``; ARC lower-cases URLs).
"""

from __future__ import absolute_import, unicode_literals

import re
from collections import namedtuple

ADMIN = "admin"
REST = "rest"

# Who may call a route: "token" (a valid token), "public" (no token) or
# "catalog" (a token when the site's REST catalog requires one).
AUTH_KINDS = ("token", "public", "catalog")

# How the coverage table describes a route, by handler kind.
SERVED = "served"
NOT_EMULATED = "not emulated"
ABSENT = "absent (404)"

Route = namedtuple("Route", "methods pattern handler since doc auth fallback status")

_PLACEHOLDERS = {
    "folder": r"[^/.]+",
    "service": r"[^/]+\.[A-Za-z]+",
    "type": r"[A-Za-z]+Server",
    "rest": r".+",
}
_TOKEN = re.compile(r"<(\w+)>|\[|\]|[^<\[\]]+")
ANY = ("GET", "POST", "HEAD", "PUT", "DELETE")


def route(methods, pattern, handler, since="10.1", doc="", auth="token", fallback=False,
          status=SERVED):
    """Declare one route.

    methods: "GET POST", "POST" or "ANY". since: the release that introduced
    it (earlier releases answer the 404 envelope). fallback: tried only when
    no other route matches (catch-alls, e.g. a not-emulated resource tree
    that a later area may fill in). status: SERVED, NOT_EMULATED or ABSENT,
    for the coverage table.
    """
    if auth not in AUTH_KINDS:
        raise ValueError("auth must be one of %s" % (AUTH_KINDS,))
    verbs = ANY if methods == "ANY" else tuple(methods.split())
    if "GET" in verbs and "HEAD" not in verbs:
        verbs += ("HEAD",)  # HEAD is a GET without the body (the handler drops it)
    return Route(verbs, pattern, handler, tuple(int(p) for p in since.split(".")), doc, auth,
                 fallback, status)


def family(path):
    """``admin`` for the Administrator API (admin envelopes), else ``rest``."""
    return ADMIN if path.lower().startswith("/arcgis/admin") else REST


def compile_pattern(pattern):
    """The anchored, case-insensitive regex of a route pattern."""
    out = []
    for match in _TOKEN.finditer(pattern.rstrip("/") or "/"):
        text = match.group(0)
        if match.group(1):
            name = match.group(1)
            out.append("(?P<%s>%s)" % (name, _PLACEHOLDERS.get(name, r"[^/]+")))
        elif text == "[":
            out.append("(?:")
        elif text == "]":
            out.append(")?")
        else:
            out.append(re.escape(text))
    return re.compile("^%s$" % "".join(out), re.IGNORECASE | re.UNICODE)


def normalise(path):
    """Collapse ``//`` (Esri samples send ``<folder>//<name>``) and drop a trailing slash."""
    path = re.sub(r"/{2,}", "/", path)
    return path.rstrip("/") or "/"


class Router(object):
    """Matches request paths to declared routes: regular ones in order, then fallbacks."""

    def __init__(self, routes):
        self.routes = list(routes)
        compiled = [(compile_pattern(r.pattern), r) for r in self.routes]
        self._ordered = [c for c in compiled if not c[1].fallback] + \
                        [c for c in compiled if c[1].fallback]

    def match(self, path):
        """``(route, groups)`` for ``path`` (decoded), or ``(None, {})``."""
        path = normalise(path)
        for regex, candidate in self._ordered:
            found = regex.match(path)
            if found:
                groups = dict((k, v) for k, v in found.groupdict().items() if v is not None)
                return candidate, groups
        return None, {}


def _since_text(since):
    return ".".join(str(p) for p in since)


def coverage_markdown(routes):
    """The coverage table of ``routes`` as Markdown, one row per declaration, in order."""
    lines = ["| Endpoint | Methods | Since | Sandbox | Notes |", "|---|---|---|---|---|"]
    for r in routes:
        methods = "any" if r.methods == ANY else ", ".join(m for m in r.methods if m != "HEAD")
        lines.append("| `%s` | %s | %s | %s | %s |" % (r.pattern, methods, _since_text(r.since),
                                                       r.status, r.doc))
    return "\n".join(lines) + "\n"
