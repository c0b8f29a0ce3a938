"""The HTTP layer of the sandbox: dispatch to declared routes, the request handler, the threaded server.

URL families (admin-api.md section 11, checklist 1): ``/arcgis/admin/...``
(admin envelopes, HTTP 200), ``/arcgis/tokens``, ``/arcgis/rest/...`` and
``/portal/...`` (REST envelopes), and ``/sandbox-api/...``, the control plane
(``control.py``), a prefix no real server has. What each URL does is
declared per area in ``routes/`` and registered in ``areas.py``.
"""

from __future__ import absolute_import, unicode_literals

import os
import re
import socket
import sys
import threading
import time
import traceback

from . import areas, bodies, control, wire
from . import envelopes as errors
from .models import logs
from ._compat import BaseHTTPRequestHandler, HTTPServer, ThreadingMixIn, native_str
from .routing import ADMIN, Router, coverage_markdown as _coverage, family

# Requests whose multipart body is split as it arrives: the uploads area's file operations.
STREAMED_UPLOADS = re.compile(r"/admin/uploads/(upload|[^/?]+/uploadPart)(\?|$)", re.I)

TITLES = {ADMIN: "ArcGIS Server Administrator Directory", "rest": "ArcGIS REST Services Directory"}


def coverage_markdown():
    """The coverage table of every declared route (docs/sandbox.md, ``--coverage-table``)."""
    return _coverage(areas.all_routes())


class App(object):
    """Turns parsed requests into responses for one site (no sockets here)."""

    def __init__(self, site, faults, request_log, latency_ms=0, op_latency_ms=None,
                 admin_token_endpoint=True, sleep=time.sleep, routes=None, web_adaptor=None):
        self.site = site
        # The context a Web Adaptor serves the site under ("server" -> /server/...), or None.
        self.web_adaptor = "/" + web_adaptor.strip("/") if web_adaptor else None
        self.faults = faults
        self.log = request_log
        self.latency_ms = int(latency_ms)
        self.op_latency_ms = dict(op_latency_ms or {})
        self.admin_token_endpoint = bool(admin_token_endpoint)
        self._sleep = sleep
        self.router = Router(routes if routes is not None else areas.all_routes())

    # -- entry point -------------------------------------------------------

    def handle(self, req):
        """Answer one request; emulated requests are delayed, faulted and logged."""
        if req.path == "/sandbox-api" or req.path.startswith("/sandbox-api/"):
            return control.handle(self, req)
        self._through_web_adaptor(req)
        delay = self.latency_ms + int(self.op_latency_ms.get(req.path.rstrip("/").rsplit("/", 1)[-1], 0))
        if delay > 0:
            self._sleep(delay / 1000.0)
        fault = self.faults.on_request(req.path)
        try:
            if fault is not None and fault.kind == "cut":
                response = self.dispatch(req)
                response.cut = True  # announce the whole body, send half, close
            elif fault is not None and fault.kind == "drop-after":
                # The server did the work; only its answer is lost on the way back.
                self.dispatch(req)
                response = wire.Response(drop=True)
            else:
                response = self._fault_response(fault, req) if fault else self.dispatch(req)
        except Exception:  # a sandbox bug must still answer, and show on stderr
            traceback.print_exc(file=sys.stderr)
            response = wire.Response(500, wire.HTML_CONTENT_TYPE, wire.status_page(500))
        self.log.add(req, response)
        return response

    def _through_web_adaptor(self, req):
        """``/<web_adaptor>/...`` is the site as a Web Adaptor serves it: the same site, with
        ``req.via_web_adaptor`` set so that importSite can refuse (-next section 6).
        ``req.context`` is the path the client used ("/arcgis" or the Web Adaptor's)."""
        req.context, req.via_web_adaptor = "/arcgis", False
        wa = self.web_adaptor
        if wa and (req.path.lower() + "/").startswith(wa.lower() + "/"):
            req.path = "/arcgis" + req.path[len(wa):]
            req.raw_path = "/arcgis" + req.raw_path[len(wa):]
            req.context, req.via_web_adaptor = wa, True

    def base_url(self, req):
        """``http://<Host>`` as the client addressed us (URLs in bodies follow it)."""
        return "http://" + (req.header("Host") or "127.0.0.1")

    def dispatch(self, req):
        """Find the declared route, check token, release and method, call its handler."""
        route, groups = self.router.match(req.path)
        fam = family(req.path)
        if route is None and fam != ADMIN:
            return wire.Response(404, wire.HTML_CONTENT_TYPE, wire.status_page(404))
        try:
            if route is None or route.auth == "token" or \
                    (route.auth == "catalog" and self.site.catalog_requires_token):
                # assumption: the token is checked before the path is resolved, so a
                # missing resource without a token answers 499, not 404.
                self.authorise(req)
            if route is None:
                first = req.path[len("/arcgis/admin"):].strip("/").split("/")[0]
                raise errors.NotFound(first or "/")
            last = req.path.rstrip("/").rsplit("/", 1)[-1]
            if not self.site.version.at_least(*route.since):
                # The route is newer than the emulated release: as on a real older server.
                raise errors.NotFound(last)
            if req.method not in route.methods:
                raise errors.PostOnly(last)
            result = route.handler(self, req, **groups)
        except (errors.AdminError, errors.RestError) as exc:
            if fam != ADMIN:
                exc = errors.as_rest(exc)
            return self._error(req, exc)
        if isinstance(result, wire.Response):
            return result
        return wire.render(result, req.fmt, TITLES.get(fam, TITLES["rest"]))

    def authorise(self, req):
        """Accept the request's token or raise (499 none, 498 invalid/expired/bound elsewhere).

        Carriers (admin-api.md 1.5, -next 1.1): ``token`` or ``csrfPreventToken``
        form fields, ``X-Esri-Authorization``/``Authorization: Bearer`` headers,
        and ``token`` in the query string.
        """
        value = req.token
        if req.token_source == "header" and not self.site.version.at_least(10, 6):
            # assumption: the header is honoured from 10.6, when Esri documented it
            # for services (admin-api.md 1.5); older releases ignore it.
            value = None
        token = self.site.check_token(value, referer=req.header("Referer"), request_ip=req.client_ip)
        req.username = token.username

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
        # assumption: the server logs the failure it answered (a lock, a store
        # error, an injected error) as a SEVERE record.
        self.site.log(logs.FAULT, reason=" ".join(exc.messages))
        if family(req.path) != ADMIN:
            exc = errors.RestError(exc.code, " ".join(exc.messages), [])
        return self._error(req, exc)

    def _error(self, req, exc):
        return wire.render(exc.envelope(), req.fmt, "Error", envelope_code=exc.code)


def _service_from_path(path):
    """(folder, service name) named by an admin path, for the lock message."""
    path = re.sub(r"/{2,}", "/", path)
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
        body = self._read_body()
        req = wire.Request(self.command, self.path, self.headers, body, self.client_address[0])
        try:
            response = self.server.app.handle(req)
        finally:
            req.close()
        if response.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except socket.error:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", native_str(response.content_type))
        length = os.path.getsize(response.file) if response.file else len(response.body)
        self.send_header("Content-Length", str(length))
        for name, value in response.headers:
            self.send_header(native_str(name), native_str(value))
        self.end_headers()
        if self.command != "HEAD":
            limit = length // 2 if response.cut else length
            if response.file:
                _stream_file(response.file, self.wfile.write, limit)
            else:
                self.wfile.write(response.body[:limit])
        if response.cut:  # the "cut" fault: the connection ends in the middle of the body
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except socket.error:
                pass

    def _read_body(self):
        """The request body: spooled whole, or, for a multipart upload, split into its parts
        as it arrives (a multi-GB .sd is then written to disk once, not twice)."""
        limit = self.server.memory_limit
        ctype = self.headers.get("Content-Type") or ""
        boundary = bodies.boundary_of(ctype) if ctype.lower().startswith("multipart/") else None
        if boundary and STREAMED_UPLOADS.search(self.path):
            uploads = getattr(self.server.app.site, "uploads", None)
            return bodies.read_multipart(self.rfile, self.headers, boundary, limit,
                                         getattr(uploads, "root", None))
        return bodies.read_body(self.rfile, self.headers, limit)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _serve


def _stream_file(path, write, limit, block=256 * 1024):
    """Write the first ``limit`` bytes of ``path`` block by block (a backup may be GBs)."""
    with open(path, "rb") as handle:
        left = limit
        while left > 0:
            data = handle.read(min(block, left))
            if not data:
                break
            write(data)
            left -= len(data)


class SandboxHTTPServer(ThreadingMixIn, HTTPServer):
    """Threaded HTTP server bound to loopback; tracks connections so ``close`` ends them."""

    daemon_threads = True
    # Rebinding a fixed port right after a stop must work on POSIX; on Windows
    # SO_REUSEADDR would let two servers share a port, so it stays off there.
    allow_reuse_address = os.name != "nt"
    request_queue_size = 64

    def __init__(self, address, app, memory_limit=bodies.MEMORY_LIMIT):
        self.app = app
        self.memory_limit = memory_limit  # request bodies above this spool to disk
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


def make_server(host, port, app, memory_limit=bodies.MEMORY_LIMIT):
    """Create (but do not start) a server on ``host:port``; IPv6 loopback supported."""
    if ":" in host:
        cls = type(str("SandboxHTTPServer6"), (SandboxHTTPServer,), {"address_family": socket.AF_INET6})
        return cls((host, port), app, memory_limit)
    return SandboxHTTPServer((host, port), app, memory_limit)
