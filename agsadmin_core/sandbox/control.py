"""The sandbox control plane under ``/sandbox-api/``, a prefix no real ArcGIS Server has.

It lets out-of-process scripts do what the Python handle does: read the
state, reset, arm faults, expire tokens, move the clock, set a service's
state and read the request log (style-anchors 11, moto's ``/moto-api/``).
Answers are ``application/json`` with real HTTP statuses, so they can never
be mistaken for the emulated API. Control-plane calls are neither logged
nor counted by faults. Only loopback clients are served.
"""

from __future__ import absolute_import, unicode_literals

import hashlib
import json
from collections import OrderedDict

from . import wire
from ._compat import ensure_bytes, ensure_text

PREFIX = "/sandbox-api"
ENDPOINTS = OrderedDict([
    ("GET /sandbox-api/state", "site state, armed faults, request count"),
    ("POST /sandbox-api/reset", "reseed the site, disarm faults, clear the request log"),
    ("GET /sandbox-api/faults", "list armed faults"),
    ("POST /sandbox-api/faults", "arm a fault: JSON object or list of objects with kind, match, nth, "
                                 "times, code, message, status"),
    ("POST /sandbox-api/faults/clear", "disarm every fault"),
    ("POST /sandbox-api/faults/remove", "{\"index\": i}: disarm the i-th armed fault (e.g. a persistent lock)"),
    ("POST /sandbox-api/change-password", "{\"username\": u, \"password\": p, \"expire_tokens\": true}: "
                                          "the password changes mid-run"),
    ("POST /sandbox-api/body-digest", "size and SHA-256 of the request body and of each multipart part"),
    ("POST /sandbox-api/expire-tokens", "expire every token now, or {\"after\": N} requests"),
    ("POST /sandbox-api/advance-clock", "{\"seconds\": S}: move the site clock forward"),
    ("POST /sandbox-api/service-state", "{\"ref\": \"Folder/Name.Type\", \"state\": \"STOPPED\"}"),
    ("GET /sandbox-api/requests", "the request log (field names only)"),
    ("GET /sandbox-api/routes", "every declared route: methods, pattern, since, status, description"),
    ("POST /sandbox-api/requests/clear", "clear the in-memory request log"),
])


class ControlError(Exception):
    """A refused control-plane call, answered with a real HTTP status."""

    def __init__(self, status, message):
        self.status = status
        super(ControlError, self).__init__(message)


def _json(status, data):
    body = ensure_bytes(ensure_text(json.dumps(data, indent=2, separators=(",", ": "))))
    return wire.Response(status, "application/json", body)


def _payload(req):
    """Body as a dict or list: JSON when it parses, else the form fields."""
    if req.form and not (req.headers.get("Content-Type") or "").lower().startswith("application/json"):
        return dict(req.form)
    raw = getattr(req, "raw_body", b"")
    if not raw:
        return {}
    try:
        return json.loads(ensure_text(raw))
    except ValueError:
        raise ControlError(400, "body is not valid JSON")


def _is_loopback(ip):
    return ip.startswith("127.") or ip in ("::1", "localhost") or ip.startswith("::ffff:127.")


def handle(app, req):
    """Answer one control-plane request for ``app`` (a ``server.App``)."""
    if not _is_loopback(req.client_ip or ""):
        return _json(403, {"error": "the control plane serves loopback clients only"})
    action = req.path[len(PREFIX):].strip("/")
    key = (req.method, action)
    try:
        if key in (("GET", ""), ("GET", "help")):
            return _json(200, OrderedDict([("endpoints", ENDPOINTS)]))
        if key == ("GET", "state"):
            state = app.site.snapshot()
            state["faults"] = app.faults.list()
            state["requests"] = len(app.log)
            return _json(200, state)
        if key == ("POST", "reset"):
            app.site.reset()
            app.faults.clear()
            app.log.clear()
            return _json(200, {"status": "success"})
        if key == ("GET", "faults"):
            return _json(200, {"faults": app.faults.list()})
        if key == ("POST", "faults"):
            return _json(200, {"status": "success", "faults": _arm(app, _payload(req))})
        if key == ("POST", "faults/remove"):
            index = int(_payload(req).get("index", -1))
            armed = app.faults.armed()
            if not 0 <= index < len(armed):
                raise ControlError(400, "no armed fault at index %d" % index)
            app.faults.remove(armed[index])
            return _json(200, {"status": "success"})
        if key == ("POST", "change-password"):
            payload = _payload(req)
            expire = payload.get("expire_tokens", True)
            app.faults.change_password(payload.get("username", ""), payload.get("password", ""),
                                       expire_tokens=expire not in (False, "false", "0", 0))
            return _json(200, {"status": "success"})
        if key == ("POST", "body-digest"):
            return _json(200, _digest(req))
        if key == ("POST", "faults/clear"):
            app.faults.clear()
            return _json(200, {"status": "success"})
        if key == ("POST", "expire-tokens"):
            after = _payload(req).get("after")
            if after in (None, ""):
                app.faults.expire_tokens()
            else:
                app.faults.expire_tokens_after(int(after))
            return _json(200, {"status": "success"})
        if key == ("POST", "advance-clock"):
            app.site.advance_clock(float(_payload(req).get("seconds", 0)))
            return _json(200, {"status": "success", "clock": app.site.clock.now()})
        if key == ("POST", "service-state"):
            payload = _payload(req)
            app.site.set_service_state(payload.get("ref", ""), payload.get("state", ""))
            return _json(200, {"status": "success"})
        if key == ("GET", "routes"):
            return _json(200, {"routes": [OrderedDict([
                ("methods", [m for m in r.methods if m != "HEAD"]), ("pattern", r.pattern),
                ("since", ".".join(str(p) for p in r.since)), ("status", r.status),
                ("description", r.doc)]) for r in app.router.routes]})
        if key == ("GET", "requests"):
            return _json(200, {"requests": app.log.records()})
        if key == ("POST", "requests/clear"):
            app.log.clear()
            return _json(200, {"status": "success"})
    except ControlError as exc:
        return _json(exc.status, {"error": str(exc)})
    except Exception as exc:  # bad input from a script: say what, with a 400
        return _json(400, {"error": "%s: %s" % (type(exc).__name__, exc)})
    return _json(404, {"error": "unknown control-plane call %s %s" % (req.method, req.path),
                       "endpoints": ENDPOINTS})


def _digest(req):
    """What arrived: proves big bodies are neither truncated nor held in memory."""
    whole = hashlib.sha256()
    for piece in req.body.chunks() if req.body is not None else ():
        whole.update(piece)
    parts = []
    for part in req.parts:
        digest = hashlib.sha256()
        handle = part.open()
        for piece in iter(lambda: handle.read(65536), b""):
            digest.update(piece)
        parts.append(OrderedDict([("name", part.name), ("filename", part.filename),
                                  ("size", part.size), ("sha256", digest.hexdigest())]))
    return OrderedDict([("size", req.body.size if req.body is not None else 0),
                        ("sha256", whole.hexdigest()),
                        ("spooled", bool(req.body is not None and req.body.spooled)),
                        ("parts", parts)])


def _arm(app, payload):
    specs = payload if isinstance(payload, list) else [payload]
    armed = []
    for spec in specs:
        if not isinstance(spec, dict) or "kind" not in spec:
            raise ControlError(400, "each fault needs a 'kind'")
        allowed = ("kind", "match", "nth", "times", "code", "message", "status")
        unknown = [k for k in spec if k not in allowed]
        if unknown:
            raise ControlError(400, "unknown fault fields: %s" % ", ".join(sorted(unknown)))
        armed.append(app.faults.add(**dict((str(k), v) for k, v in spec.items())).to_dict())
    return armed
