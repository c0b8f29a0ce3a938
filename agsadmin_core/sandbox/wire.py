"""HTTP plumbing of the sandbox: request parsing, response rendering and the request log.

Kept apart from ``routing.py`` and ``httpd.py`` so each stays short. Nothing here
knows about ArcGIS resources; the rendering rules are those of admin-api.md
section 10: JSON answers carry ``text/plain;charset=UTF-8``, ``f=json`` is
compact, ``f=pjson`` pretty, and a missing ``f`` (or ``f=html``) gives HTML.
"""

from __future__ import absolute_import, unicode_literals

import io
import json
import threading
import time
from collections import OrderedDict

from . import bodies
from ._compat import ensure_bytes, ensure_text, parse_qsl_text, request_path_text, unquote_text, urlsplit

JSON_CONTENT_TYPE = "text/plain;charset=UTF-8"  # recorded on 10.5.1 (section 10)
HTML_CONTENT_TYPE = "text/html;charset=UTF-8"

# Where a request can carry its token (admin-api.md 1.5, -next 1.1), in the
# order they are looked at; the request log names the place, never the value.
TOKEN_SOURCES = ("body", "header", "query")


class Request(object):
    """One parsed HTTP request: method, decoded path, query and form fields, parts, headers.

    ``body`` is a ``bodies.Body`` (None for no body). Multipart parts are
    ``bodies.Part`` objects in ``parts``; plain fields (parts without a file
    name) are also decoded into ``form``. ``token``/``token_source`` say which
    token was presented and where: "body" (``token`` or ``csrfPreventToken``
    form field), "header" (``X-Esri-Authorization``/``Authorization: Bearer``)
    or "query".
    """

    def __init__(self, method, target, headers, body, client_ip):
        self.method = method.upper()
        self.headers = headers
        self.client_ip = client_ip
        self.username = None  # set once the token is accepted
        target = request_path_text(target)
        parts = urlsplit(target)
        self.raw_path = parts.path or "/"
        self.raw_query = parts.query
        # Names may be %-encoded (spaces as %20, section 10); decode once here.
        self.path = unquote_text(self.raw_path)
        self.query = parse_qsl_text(parts.query) if parts.query else []
        if body is not None and not isinstance(body, (bodies.Body, bodies.ParsedBody)):
            raw, body = body, bodies.Body()
            body.write(ensure_bytes(raw))
        self.body = body
        self.form, self.parts = parse_form(headers.get("Content-Type", ""), body)
        self.token, self.token_source = self._find_token()

    @property
    def raw_body(self):
        """Every byte of the body (control-plane JSON; never logged)."""
        return self.body.read() if self.body is not None else b""

    def query_get(self, name):
        """The last value of query field ``name``, or None."""
        return _last(self.query, name)

    def form_get(self, name):
        """The last value of form field ``name``, or None."""
        return _last(self.form, name)

    def get(self, name):
        """A field from the POST body, else from the query string."""
        value = self.form_get(name)
        return self.query_get(name) if value is None else value

    def part(self, name):
        """The multipart part called ``name`` (file or field), or None."""
        found = None
        for part in self.parts:
            if part.name == name:
                found = part
        return found

    @property
    def fmt(self):
        """The ``f`` parameter, lower-cased; "html" when absent (the server default)."""
        return (self.get("f") or "html").strip().lower()

    def header(self, name):
        """A request header or None."""
        value = self.headers.get(name)
        return None if value is None else ensure_text(value)

    def bearer(self):
        """The token of an ``X-Esri-Authorization`` or ``Authorization`` Bearer header, or None."""
        for name in ("X-Esri-Authorization", "Authorization"):
            scheme, _, value = (self.header(name) or "").strip().partition(" ")
            if scheme.lower() == "bearer" and value.strip():
                return value.strip()
        return None

    def _find_token(self):
        value = self.form_get("token")
        if not value:
            csrf = self.form_get("csrfPreventToken")
            value = csrf.split(",", 1)[0].strip() if csrf else None
        if value:
            return value, "body"
        value = self.bearer()
        if value:
            return value, "header"
        value = self.query_get("token")
        if value:
            return value, "query"
        return None, None

    def close(self):
        """Release the body and every part (temporary files included)."""
        for part in self.parts:
            part.close()
        if self.body is not None:
            self.body.close()


def _last(pairs, name):
    value = None
    for key, val in pairs:
        if key == name:
            value = val
    return value


def field_names(pairs):
    """Field names in first-seen order, without values (for the request log)."""
    seen = []
    for key, _ in pairs:
        if key not in seen:
            seen.append(key)
    return seen


def parse_form(content_type, body):
    """``(form, parts)``: text fields of a urlencoded or multipart body, and multipart parts."""
    if body is None or not body.size:
        return [], []
    ctype = (content_type or "").lower()
    if isinstance(body, bodies.ParsedBody):   # split while it arrived
        return [(p.name, ensure_text(p.read())) for p in body.parts if p.filename is None], \
            body.parts
    if ctype.startswith("multipart/form-data"):
        boundary = bodies.boundary_of(content_type)
        if not boundary:
            return [], []
        parts = bodies.parse_multipart(body.chunks(), boundary, body.memory_limit)
        form = [(p.name, ensure_text(p.read())) for p in parts if p.filename is None]
        return form, parts
    if ctype.startswith("application/json"):
        return [], []  # the admin API takes form fields only
    return parse_qsl_text(body.read()), []


class Response(object):
    """What the handler writes back; ``drop`` closes the socket with no response at all.

    ``file``: a path whose bytes are the body, streamed (a site backup may be GBs); ``cut``:
    announce the whole body, send half of it, close the connection (the "cut" fault).
    """

    def __init__(self, status=200, content_type=JSON_CONTENT_TYPE, body=b"", headers=None,
                 envelope_code=None, drop=False, file=None):
        self.status = status
        self.content_type = content_type
        self.body = body
        self.headers = headers or []
        self.envelope_code = envelope_code
        self.drop = drop
        self.file = file
        self.cut = False


def dumps(data, fmt):
    """Serialise ``data``: compact for f=json, indented for f=pjson (same data)."""
    if fmt == "pjson":
        text = json.dumps(data, indent=2, separators=(",", ": "), ensure_ascii=False)
    else:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return ensure_bytes(ensure_text(text))


def render(data, fmt, title, envelope_code=None):
    """Render ``data`` as JSON (f=json/pjson) or as a small HTML page (anything else)."""
    if fmt in ("json", "pjson"):
        return Response(200, JSON_CONTENT_TYPE, dumps(data, fmt), envelope_code=envelope_code)
    return Response(200, HTML_CONTENT_TYPE, html_page(title, data), envelope_code=envelope_code)


def _escape(text):
    return (ensure_text(text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def html_page(title, data):
    """A minimal HTML view of ``data`` (the real directory's HTML is richer)."""
    pretty = ensure_text(dumps(data, "pjson"))
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
            "<body><h2>%s</h2><p>AGSAdmin sandbox. Add <code>f=json</code> or "
            "<code>f=pjson</code> for JSON.</p><pre>%s</pre></body></html>\n"
            % (_escape(title), _escape(title), _escape(pretty)))
    return ensure_bytes(page)


def login_page():
    """An HTML sign-in page, what a Web Adaptor or SSO proxy returns instead of JSON."""
    page = ("<!DOCTYPE html>\n<html><head><title>Sign In</title></head><body>"
            "<h1>Sign In</h1><form method=\"post\" action=\"/login\">"
            "<label>Username <input name=\"user\"></label>"
            "<label>Password <input name=\"pass\" type=\"password\"></label>"
            "<button type=\"submit\">Sign In</button></form></body></html>\n")
    return ensure_bytes(page)


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def status_page(status):
    """An HTML error page for a raw HTTP status (a proxy's 502, the web server's 404)."""
    reason = _REASONS.get(status, "Error")
    return ensure_bytes("<!DOCTYPE html>\n<html><head><title>%d %s</title></head><body>"
                        "<h1>%d %s</h1></body></html>\n" % (status, reason, status, reason))


class RequestLog(object):
    """Field names, status and envelope code of every request; never a value.

    Records are kept in memory and, when ``path`` is given, appended to a
    JSON-lines file. The raw query string and header values are never
    stored, so tokens and passwords cannot leak through the log; where the
    token came from is kept as ``token_source`` ("body", "header", "query").
    """

    def __init__(self, path=None):
        self.path = path
        self._lock = threading.Lock()
        self._records = []

    def add(self, request, response):
        """Append the record of one request/response pair and return it."""
        record = OrderedDict([
            ("time", round(time.time(), 3)),
            ("method", request.method),
            ("path", request.path),
            ("query_fields", field_names(request.query)),
            ("form_fields", field_names([(p.name, None) for p in request.parts] or request.form)),
            ("token_source", request.token_source),
            ("status", None if response.drop else response.status),
            ("envelope_code", response.envelope_code),
        ])
        with self._lock:
            self._records.append(record)
            if self.path:
                with io.open(self.path, "a", encoding="utf-8") as handle:
                    handle.write(ensure_text(json.dumps(record, ensure_ascii=False)) + "\n")
        return record

    def records(self):
        """A copy of the records so far."""
        with self._lock:
            return [OrderedDict(r) for r in self._records]

    def clear(self):
        """Forget the in-memory records (the file is left alone)."""
        with self._lock:
            self._records = []

    def __len__(self):
        with self._lock:
            return len(self._records)
