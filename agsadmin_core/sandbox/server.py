"""Routing table, handlers and threaded HTTP server of the sandbox (the HTTP face of ``models.Site``).

URL layout served (admin-api.md section 11, checklist 1):

* ``/arcgis/admin`` -> 302 to ``/arcgis/admin/`` (recorded, section 9.1);
* ``/arcgis/admin/...`` -> the Administrator API (admin envelopes, HTTP 200);
* ``/arcgis/tokens/generateToken`` and ``/arcgis/rest/info`` (REST envelopes);
* ``/portal/sharing/rest/generateToken`` when federated;
* ``/sandbox-api/...`` -> the control plane (``control.py``), a prefix no real server has.
"""

from __future__ import absolute_import, unicode_literals

import json
import os
import re
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict

from . import control, errors, wire
from ._compat import BaseHTTPRequestHandler, HTTPServer, ThreadingMixIn, native_str

RESOURCE = "resource"
OPERATION = "operation"

# Admin routing table: regex on the path below /arcgis/admin -> handler name,
# kind. Operations are POST only (section 10); resources answer GET and POST.
_NAME = r"[^/]+"
_SVC = r"[^/]+\.[A-Za-z]+"
ADMIN_ROUTES = [(re.compile("^%s$" % pattern), handler, kind) for pattern, handler, kind in [
    (r"/", "root", RESOURCE),
    (r"/info", "info", RESOURCE),
    (r"/services", "services_root", RESOURCE),
    (r"/services/report", "report", RESOURCE),
    (r"/services/startServices", "start_services", OPERATION),
    (r"/services/stopServices", "stop_services", OPERATION),
    (r"/services/deleteServices", "delete_services", OPERATION),
    (r"/services/exists", "exists", OPERATION),
    (r"/services/createFolder", "create_folder", OPERATION),
    (r"/services/renameService", "rename_service", OPERATION),
    (r"/services/(?P<svc>%s)" % _SVC, "service", RESOURCE),
    (r"/services/(?P<svc>%s)/(?P<child>.+)" % _SVC, "service_child", None),
    (r"/services/(?P<folder>[^/.]+)", "folder", RESOURCE),
    (r"/services/(?P<folder>[^/.]+)/report", "report", RESOURCE),
    (r"/services/(?P<folder>[^/.]+)/renameService", "rename_service", OPERATION),
    (r"/services/(?P<folder>[^/.]+)/deleteFolder", "delete_folder", OPERATION),
    (r"/services/(?P<folder>[^/.]+)/(?P<svc>%s)" % _SVC, "service", RESOURCE),
    (r"/services/(?P<folder>[^/.]+)/(?P<svc>%s)/(?P<child>.+)" % _SVC, "service_child", None),
    (r"/services/(?P<folder>[^/.]+)/(?P<child>.+)", "folder_child", None),
    (r"/(?P<child>%s)(?:/.*)?" % _NAME, "site_child", None),
]]

# Operations that appeared after 10.1 answer the 404 envelope on older
# releases: batch start/stop at 10.3, deleteServices at 10.7.1 (section 3).
SINCE = {"start_services": (10, 3), "stop_services": (10, 3), "delete_services": (10, 7, 1)}

# Real resources and operations the sandbox does not emulate: they answer an
# explicit "not emulated" envelope (style-anchors 10), never a made-up success.
SITE_NOT_EMULATED = ("exportSite", "importSite", "createNewSite", "joinSite", "deleteSite",
                     "publicKey", "upgrade", "about", "kml", "info")
SERVICES_NOT_EMULATED = ("types", "permissions", "properties", "webhooks", "exportServices",
                         "importServices", "canCreateService", "createService", "federate",
                         "unfederate", "editFolder")
FOLDER_NOT_EMULATED = ("editFolder", "permissions", "createService")
SERVICE_NOT_EMULATED = ("edit", "iteminfo", "permissions", "statistics", "lifecycleinfos",
                        "changeProvider", "jobs")
# Admin paths that need no token.
PUBLIC_ADMIN = ("/generateToken", "/publicKey")


# What is served, for the coverage table in docs/sandbox.md (moto's
# IMPLEMENTATION_COVERAGE): (path, methods, notes). Paths are below /arcgis
# unless they start with /portal.
SERVED = [
    ("/admin", "GET, POST", "302 to /admin/ keeping the query string"),
    ("/admin/", "GET, POST", "site root: resources, currentVersion (number), fullVersion"),
    ("/admin/generateToken", "POST (GET up to 10.2)", "expires as a string; switch off with admin_token_endpoint=False"),
    ("/admin/info", "GET, POST", "lower-case currentversion/currentbuild"),
    ("/admin/services", "GET, POST", "root folder; detail=true expands services"),
    ("/admin/services/<folder>", "GET, POST", "one folder level"),
    ("/admin/services/[<folder>/]report", "GET, POST", "parameters, services filters"),
    ("/admin/services/[<folder>/]<name>.<type>", "GET, POST", "service JSON"),
    ("/admin/services/[<folder>/]<name>.<type>/status", "GET, POST", "configuredState, realTimeState"),
    ("/admin/services/[<folder>/]<name>.<type>/start", "POST", "idempotent; hosted refused"),
    ("/admin/services/[<folder>/]<name>.<type>/stop", "POST", "idempotent; hosted refused"),
    ("/admin/services/[<folder>/]<name>.<type>/delete", "POST", "isDefault refused"),
    ("/admin/services/startServices", "POST", "10.3+; wrapped or bare array"),
    ("/admin/services/stopServices", "POST", "10.3+; wrapped or bare array"),
    ("/admin/services/deleteServices", "POST", "10.7.1+"),
    ("/admin/services/exists", "POST", "folder or service"),
    ("/admin/services/createFolder", "POST", "duplicates and System/Utilities refused"),
    ("/admin/services/[<folder>/]renameService", "POST", "serviceName, serviceType, serviceNewName"),
    ("/admin/services/<folder>/deleteFolder", "POST", "deletes the folder and its services"),
    ("/tokens/generateToken", "POST (GET up to 10.2)", "REST envelope; expires a number, ssl"),
    ("/rest/info", "GET, POST", "no token; authInfo, owningSystemUrl when federated"),
    ("/portal/sharing/rest/generateToken", "POST", "only with federated=True"),
]


def coverage_markdown():
    """The coverage table (served, then not emulated) as Markdown, for docs/sandbox.md."""
    lines = ["| Endpoint | Methods | Sandbox | Notes |", "|---|---|---|---|"]
    for path, methods, note in SERVED:
        full = path if path.startswith("/portal") else "/arcgis" + path
        lines.append("| `%s` | %s | served | %s |" % (full, methods, note))
    not_emulated = (
        ["/arcgis/admin/%s" % n for n in ("machines", "clusters", "system", "security", "data",
                                          "uploads", "logs", "mode", "usagereports")] +
        ["/arcgis/admin/%s" % n for n in SITE_NOT_EMULATED if n != "info"] +
        ["/arcgis/admin/info/<child>"] +
        ["/arcgis/admin/services/%s" % n for n in SERVICES_NOT_EMULATED] +
        ["/arcgis/admin/services/<folder>/%s" % n for n in FOLDER_NOT_EMULATED] +
        ["/arcgis/admin/services/[<folder>/]<name>.<type>/%s" % n for n in SERVICE_NOT_EMULATED] +
        ["/arcgis/rest/services", "/portal/sharing/rest/<other than generateToken>"])
    for path in not_emulated:
        lines.append("| `%s` and below | any | not emulated | error envelope, code 501 |" % path)
    return "\n".join(lines) + "\n"


class App(object):
    """Turns parsed requests into responses for one site (no sockets here)."""

    def __init__(self, site, faults, request_log, latency_ms=0, op_latency_ms=None,
                 admin_token_endpoint=True, sleep=time.sleep):
        self.site = site
        self.faults = faults
        self.log = request_log
        self.latency_ms = int(latency_ms)
        self.op_latency_ms = dict(op_latency_ms or {})
        self.admin_token_endpoint = bool(admin_token_endpoint)
        self._sleep = sleep

    # -- entry point -------------------------------------------------------

    def handle(self, req):
        """Answer one request; emulated requests are delayed, faulted and logged."""
        if req.path == "/sandbox-api" or req.path.startswith("/sandbox-api/"):
            return control.handle(self, req)
        delay = self.latency_ms + int(self.op_latency_ms.get(req.path.rstrip("/").rsplit("/", 1)[-1], 0))
        if delay > 0:
            self._sleep(delay / 1000.0)
        fault = self.faults.on_request(req.path)
        try:
            response = self._fault_response(fault, req) if fault else self.dispatch(req)
        except Exception:  # a sandbox bug must still answer, and show on stderr
            traceback.print_exc(file=sys.stderr)
            response = wire.Response(500, wire.HTML_CONTENT_TYPE, wire.status_page(500))
        self.log.add(req, response)
        return response

    def base_url(self, req):
        """``http://<Host>`` as the client addressed us (URLs in bodies follow it)."""
        return "http://" + (req.header("Host") or "127.0.0.1")

    def dispatch(self, req):
        """Route by URL family."""
        path = req.path
        if path == "/arcgis/admin":
            # Recorded on 10.5.1: 302 with an absolute Location, query kept (section 9.1).
            location = self.base_url(req) + "/arcgis/admin/" + ("?" + req.raw_query if req.raw_query else "")
            return wire.Response(302, wire.HTML_CONTENT_TYPE, b"",
                                 headers=[("Location", location)])
        if path.startswith("/arcgis/admin/"):
            return self._admin(req, path[len("/arcgis/admin"):])
        if path == "/arcgis/tokens/generateToken":
            return self._rest(req, self._tokens_generate)
        if path in ("/arcgis/rest/info", "/arcgis/rest/info/"):
            return self._rest(req, lambda r: self.site.rest_info(
                self.base_url(r) + "/arcgis", self.base_url(r) + "/portal"))
        if path.startswith("/arcgis/rest/") or path.startswith("/arcgis/tokens"):
            return self._rest(req, lambda r: _raise(errors.rest_not_emulated(path)))
        if self.site.federated and path.startswith("/portal/"):
            if path == "/portal/sharing/rest/generateToken":
                return self._rest(req, self._portal_generate)
            return self._rest(req, lambda r: _raise(errors.rest_not_emulated(path)))
        return wire.Response(404, wire.HTML_CONTENT_TYPE, wire.status_page(404))

    # -- faults ------------------------------------------------------------

    def _fault_response(self, fault, req):
        if fault.kind == "drop":
            return wire.Response(drop=True)
        if fault.kind == "html":
            return wire.Response(fault.status or 200, wire.HTML_CONTENT_TYPE, wire.login_page())
        if fault.kind == "http-status":
            status = fault.status or 502
            return wire.Response(status, wire.HTML_CONTENT_TYPE, wire.status_page(status))
        if fault.kind == "lock":
            folder, name = _service_from_path(req.path)
            exc = errors.ServiceLocked(name, folder)
            if fault.message:
                exc = errors.CustomAdminError(500, fault.message)
        elif fault.kind == "store-lock":
            exc = errors.StoreLocked() if not fault.message else errors.CustomAdminError(500, fault.message)
        else:
            exc = errors.CustomAdminError(fault.code, fault.message or "Injected fault.")
        if not req.path.startswith("/arcgis/admin"):
            exc = errors.RestError(exc.code, " ".join(exc.messages), [])
        return self._error(req, exc)

    # -- rendering ---------------------------------------------------------

    def _error(self, req, exc):
        code = exc.code
        return wire.render(exc.envelope(), req.fmt, "Error", envelope_code=code)

    def _rest(self, req, handler):
        try:
            return wire.render(handler(req), req.fmt, "ArcGIS REST")
        except errors.RestError as exc:
            return self._error(req, exc)

    # -- token endpoints (section 1) -------------------------------------------

    def _token_fields(self, req, allow_query):
        # 10.3+: credentials belong in the POST body only (section 1.3).
        get = req.get if allow_query else req.form_get
        return dict(username=get("username"), password=get("password"), client=get("client"),
                    referer=get("referer") or get("referrer"), ip=get("ip"),
                    expiration=get("expiration"), request_ip=req.client_ip)

    def _creds_in_query(self, req):
        return req.query_get("username") is not None or req.query_get("password") is not None

    def _admin_generate(self, req):
        if not self.admin_token_endpoint:
            raise errors.NotFound("generateToken")
        modern = self.site.version.at_least(10, 3)
        if modern and self._creds_in_query(req):
            raise errors.CredentialsInQuery()
        if modern and req.method != "POST":
            raise errors.PostOnly("generateToken")
        if (req.get("encrypted") or "").lower() == "true":
            raise errors.NotEmulated("generateToken with encrypted=true")
        token = self.site.generate_token(source="admin", **self._token_fields(req, not modern))
        # Recorded 10.5.1 body: expires is a STRING of epoch ms, no ssl member (section 1.1).
        return OrderedDict([("token", token.value), ("expires", str(token.expires_ms))])

    def _rest_generate(self, req, source, modern):
        if modern and self._creds_in_query(req):
            raise errors.rest_credentials_in_query()
        try:
            token = self.site.generate_token(source=source, **self._token_fields(req, not modern))
        except errors.MissingParameter as exc:
            names = [m.split("'")[1] for m in exc.messages]
            if set(names) <= {"username", "password"}:
                raise errors.rest_missing_credentials(names)
            raise errors.RestError(400, "Unable to generate token.", exc.messages)
        except errors.BadCredentials:
            raise errors.rest_bad_credentials()
        except errors.ClientIdRequired:
            raise errors.rest_client_id_required()
        except errors.InvalidParameter as exc:
            raise errors.RestError(400, "Unable to generate token.", exc.messages)
        # REST/Portal form: numeric expires plus ssl (section 1.2, checklist 5).
        return OrderedDict([("token", token.value), ("expires", token.expires_ms), ("ssl", False)])

    def _tokens_generate(self, req):
        return self._rest_generate(req, "tokens", self.site.version.at_least(10, 3))

    def _portal_generate(self, req):
        # assumption: Portal applies the modern rules (POST body only).
        if req.method != "POST" and not self._creds_in_query(req):
            raise errors.RestError(405, "Method not supported", [])
        return self._rest_generate(req, "portal", True)

    # -- admin API ---------------------------------------------------------

    def _admin(self, req, sub):
        if sub != "/" and sub.endswith("/"):
            sub = sub.rstrip("/")  # assumption: a trailing slash names the same resource
        try:
            if sub == "/generateToken":
                return wire.render(self._admin_generate(req), req.fmt, "Generate Token")
            if sub not in PUBLIC_ADMIN:
                # assumption: the token is checked before the path is resolved, so a
                # missing resource without a token answers 499, not 404.
                self._authorise(req)
            for pattern, handler, kind in ADMIN_ROUTES:
                match = pattern.match(sub)
                if match:
                    since = SINCE.get(handler)
                    if since and not self.site.version.at_least(*since):
                        raise errors.NotFound(sub.rsplit("/", 1)[-1])
                    if kind == OPERATION:
                        self._require_post(req, sub)
                    data = getattr(self, "_h_" + handler)(req, **match.groupdict())
                    return wire.render(data, req.fmt, "ArcGIS Server Administrator Directory")
            raise errors.NotFound(sub.strip("/").split("/")[0] or "/")
        except errors.AdminError as exc:
            return self._error(req, exc)

    def _authorise(self, req):
        # Accepted carriers: form field token, csrfPreventToken=<token>,<url>,
        # query token (section 1.5).
        # assumption: X-Esri-Authorization / Authorization: Bearer are not honoured
        # by the admin API (unconfirmed, section 12), so a client relying on them fails here.
        value = req.form_get("token")
        if not value:
            csrf = req.form_get("csrfPreventToken")
            value = csrf.split(",", 1)[0].strip() if csrf else None
        if not value:
            value = req.query_get("token")
        token = self.site.check_token(value, referer=req.header("Referer"), request_ip=req.client_ip)
        req.username = token.username

    @staticmethod
    def _require_post(req, sub):
        if req.method != "POST":
            raise errors.PostOnly(sub.rsplit("/", 1)[-1])

    def _h_root(self, req):
        return self.site.root_resource()

    def _h_info(self, req):
        return self.site.admin_info(req.username)

    def _h_services_root(self, req):
        return self.site.list_root(detail=(req.get("detail") or "").lower() == "true")

    def _h_folder(self, req, folder):
        if folder in SERVICES_NOT_EMULATED:
            raise errors.NotEmulated("services/" + folder)
        return self.site.list_folder(folder)

    def _h_service(self, req, svc, folder=""):
        return self.site.service_json(self._service(folder, svc))

    def _service(self, folder, leaf):
        name, _, type_ = leaf.rpartition(".")
        return self.site.get_service(folder, name, type_)

    def _h_service_child(self, req, svc, child, folder=""):
        service = self._service(folder, svc)
        if child == "status":
            return self.site.status(service)
        if child in ("start", "stop", "delete"):
            self._require_post(req, child)
            return getattr(self.site, child + "_service")(service)
        first = child.split("/")[0]
        if first in SERVICE_NOT_EMULATED:
            raise errors.NotEmulated("%s/%s" % (svc, child))
        raise errors.NotFound(first)

    def _h_folder_child(self, req, folder, child):
        if folder in SERVICES_NOT_EMULATED:
            raise errors.NotEmulated("services/%s/%s" % (folder, child))
        self.site.get_folder(folder)
        first = child.split("/")[0]
        if first in FOLDER_NOT_EMULATED:
            raise errors.NotEmulated("services/%s/%s" % (folder, first))
        raise errors.NotFound(first)

    def _h_site_child(self, req, child):
        if child in SITE_NOT_EMULATED or child in self.site.root_resource_names():
            raise errors.NotEmulated(req.path[len("/arcgis/admin/"):].rstrip("/"))
        raise errors.NotFound(child)

    def _batch_services(self, req):
        raw = req.get("services")
        if not raw:
            raise errors.MissingParameter("services")
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise errors.InvalidParameter("services", "The value is not valid JSON.")
        # Accept the wrapped object and a bare array (section 3; doc example malformed).
        if isinstance(parsed, dict):
            parsed = parsed.get("services")
        if not isinstance(parsed, list):
            raise errors.InvalidParameter("services", "Expected {\"services\":[...]} or a JSON array.")
        return parsed

    def _h_start_services(self, req):
        return self.site.start_services(self._batch_services(req))

    def _h_stop_services(self, req):
        return self.site.stop_services(self._batch_services(req))

    def _h_delete_services(self, req):
        return self.site.delete_services(self._batch_services(req))

    def _h_report(self, req, folder=""):
        if folder in SERVICES_NOT_EMULATED:
            raise errors.NotEmulated("services/%s/report" % folder)
        parameters = _json_field(req, "parameters", list)
        services = _json_field(req, "services", (list, dict))
        if isinstance(services, dict):
            services = services.get("services") or []
        return self.site.report(folder, parameters=parameters, services=services)

    def _h_exists(self, req):
        return self.site.exists(req.get("folderName"), req.get("serviceName"), req.get("type"))

    def _h_create_folder(self, req):
        return self.site.create_folder((req.get("folderName") or "").strip(), req.get("description"))

    def _h_delete_folder(self, req, folder):
        return self.site.delete_folder(folder)

    def _h_rename_service(self, req, folder=""):
        return self.site.rename_service(folder, req.get("serviceName"), req.get("serviceType"),
                                        req.get("serviceNewName"))


def _raise(exc):
    raise exc


def _json_field(req, name, kinds):
    raw = req.get(name)
    if raw in (None, ""):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        # Single-quoted pseudo-JSON appears in Esri's own samples (section 7.1).
        try:
            value = json.loads(raw.replace("'", '"'))
        except ValueError:
            raise errors.InvalidParameter(name, "The value is not valid JSON.")
    if not isinstance(value, kinds):
        raise errors.InvalidParameter(name, "Unexpected JSON type.")
    return value


def _service_from_path(path):
    """(folder, service name) named by an admin path, for the lock message."""
    match = re.search(r"/services/(?:(?P<folder>[^/.]+)/)?(?P<name>[^/]+)\.[A-Za-z]+(?:/|$)", path)
    if not match:
        return "/", ""
    # assumption: the root folder is named '/' in the lock message (only 'x'/'x' recorded).
    return match.group("folder") or "/", match.group("name")


class Handler(BaseHTTPRequestHandler):
    """Reads one request, asks the ``App`` and writes (or drops) the answer."""

    protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session expects
    timeout = 60  # idle keep-alive connections end on their own
    disable_nagle_algorithm = True  # headers and body are two writes: avoid the 40 ms ACK stall

    def version_string(self):
        return ""  # recorded "Server:" header is empty (section 1.1 transcripts)

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass  # the request log is the record; stderr stays quiet

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        self.server.track(self.connection, True)

    def finish(self):
        try:
            BaseHTTPRequestHandler.finish(self)
        finally:
            self.server.track(self.connection, False)

    def _serve(self):
        body = wire.read_body(self.rfile, self.headers)
        req = wire.Request(self.command, self.path, self.headers, body, self.client_address[0])
        response = self.server.app.handle(req)
        if response.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except socket.error:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", native_str(response.content_type))
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(native_str(name), native_str(value))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _serve


class SandboxHTTPServer(ThreadingMixIn, HTTPServer):
    """Threaded HTTP server bound to loopback; tracks connections so ``close`` ends them."""

    daemon_threads = True
    # Rebinding a fixed port right after a stop must work on POSIX; on Windows
    # SO_REUSEADDR would let two servers share a port, so it stays off there.
    allow_reuse_address = os.name != "nt"
    request_queue_size = 64

    def __init__(self, address, app):
        self.app = app
        self._connections = set()
        self._conn_lock = threading.Lock()
        HTTPServer.__init__(self, address, Handler)

    def track(self, conn, alive):
        """Remember open connections so that shutdown can close idle keep-alives."""
        with self._conn_lock:
            if alive:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def close_connections(self):
        """Shut down every open client connection."""
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except socket.error:
                pass


def make_server(host, port, app):
    """Create (but do not start) a server on ``host:port``; IPv6 loopback supported."""
    if ":" in host:
        cls = type(str("SandboxHTTPServer6"), (SandboxHTTPServer,), {"address_family": socket.AF_INET6})
        return cls((host, port), app)
    return SandboxHTTPServer((host, port), app)
