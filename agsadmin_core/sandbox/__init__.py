"""A local emulator of the ArcGIS Server Administrator REST API, the independent referee of the client.

Usage::

    from agsadmin_core.sandbox import Sandbox, DEMO_USER, DEMO_PASSWORD
    with Sandbox(services=100) as sb:
        print(sb.admin_url)           # http://127.0.0.1:<port>/arcgis/admin
        sb.faults.add("lock", match="/stop", nth=3)

``services=N`` is a count: N generated MapServers on top of the seed (the
services themselves are ``sb.site.services``, the services area's model).
The package is split as moto splits a fake service: ``models/`` (state and
rules per API area), ``routes/`` (route declarations and handlers per area),
``areas.py`` (the registry), ``routing.py`` (matching, coverage table),
``httpd.py`` (dispatch and the threaded server), ``wire.py``/``bodies.py``
(requests, responses, spooled bodies), ``envelopes.py`` (server errors).
It imports nothing from the rest of ``agsadmin_core`` (DESIGN.md, layers),
so client and emulator cannot quietly agree with each other. Behaviour and
assumptions are listed in ``docs/sandbox.md``.
"""

from __future__ import absolute_import, print_function, unicode_literals

import sys
import threading
import time

from . import bodies, wire
from .faults import Faults
from .httpd import App, make_server
from .models import DEMO_PASSWORD, DEMO_USER, Site

__all__ = ["DEMO_PASSWORD", "DEMO_USER", "Sandbox", "run_foreground"]

_LOOPBACK_NAMES = ("localhost", "::1")


def _is_loopback_host(host):
    if host in _LOOPBACK_NAMES:
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)


class Sandbox(object):
    """Handle on one emulated site served over HTTP on loopback.

    Every argument is configuration of the emulated server; see docs/sandbox.md.
    The server runs in a background thread between ``start()`` and ``stop()``
    (or inside a ``with`` block).
    """

    def __init__(self, port=0, host="127.0.0.1", services=0, latency_ms=0, version="11.3",
                 token_minutes=60, max_token_minutes=1440, users=None, request_log=None,
                 settle_seconds=0.0, service_op_ms=0, federated=False,
                 admin_token_endpoint=True, case_insensitive=True, seed=0, op_latency_ms=None,
                 unicode_names=False, catalog_requires_token=True,
                 body_memory_limit=bodies.MEMORY_LIMIT, log_records=0, web_adaptor=None,
                 backup_delay_ms=0, backup_pad_to=0):
        if not _is_loopback_host(host):
            # The sandbox accepts demo credentials over plain HTTP: never off-box.
            raise ValueError("the sandbox binds to loopback only (127.0.0.1, ::1, localhost), not %r"
                             % (host,))
        self.host = "127.0.0.1" if host == "localhost" else host
        self._requested_port = int(port)
        self.site = Site(version=version, users=users, token_minutes=token_minutes,
                         max_token_minutes=max_token_minutes, settle_seconds=settle_seconds,
                         service_op_ms=service_op_ms, federated=federated,
                         case_insensitive=case_insensitive, seed=seed, services=services,
                         unicode_names=unicode_names, catalog_requires_token=catalog_requires_token,
                         log_records=log_records)
        self.body_memory_limit = int(body_memory_limit)
        # Site backups: each export/import takes backup_delay_ms; backups padded to about
        # backup_pad_to bytes (benchmarks). web_adaptor="server" also serves the site under
        # /server, as a Web Adaptor would, where importSite is refused.
        self.site.backups.delay_ms = int(backup_delay_ms)
        self.site.backups.pad_to = int(backup_pad_to)
        self.faults = Faults(self.site)
        self.log = wire.RequestLog(request_log)
        self.app = App(self.site, self.faults, self.log, latency_ms=latency_ms,
                       op_latency_ms=op_latency_ms, admin_token_endpoint=admin_token_endpoint,
                       web_adaptor=web_adaptor)
        self._server = None
        self._thread = None

    # -- lifecycle ---------------------------------------------------------

    def start(self):
        """Bind, serve in a daemon thread, wait until ready; return self."""
        if self._server is not None:
            return self
        server = make_server(self.host, self._requested_port, self.app, self.body_memory_limit)
        ready = threading.Event()

        def serve():
            ready.set()
            server.serve_forever(poll_interval=0.05)

        thread = threading.Thread(target=serve, name="agsadmin-sandbox")
        thread.daemon = True
        self._server, self._thread = server, thread
        thread.start()
        if not ready.wait(10):
            raise RuntimeError("sandbox server thread did not start")
        return self

    def stop(self):
        """Stop serving, close client connections and join the thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(10)
        for model in self.site.area_models:
            if hasattr(model, "close"):
                model.close()   # e.g. the uploads area's temporary folder

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
        return False

    # -- addresses ---------------------------------------------------------

    @property
    def port(self):
        """The bound port (the real one when started with port=0)."""
        if self._server is None:
            return self._requested_port
        return self._server.server_address[1]

    @property
    def _origin(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "http://%s:%d" % (host, self.port)

    @property
    def url(self):
        """``http://127.0.0.1:<port>/arcgis``"""
        return self._origin + "/arcgis"

    @property
    def admin_url(self):
        """``<url>/admin``"""
        return self.url + "/admin"

    @property
    def portal_url(self):
        """``http://127.0.0.1:<port>/portal`` (served only when federated=True)."""
        return self._origin + "/portal"

    @property
    def web_adaptor_url(self):
        """``http://127.0.0.1:<port>/<web_adaptor>``: the site through its "Web Adaptor"
        (only with ``web_adaptor=...``)."""
        if not self.app.web_adaptor:
            return None
        return self._origin + self.app.web_adaptor

    @property
    def control_url(self):
        """``http://127.0.0.1:<port>/sandbox-api``"""
        return self._origin + "/sandbox-api"

    # -- request log -------------------------------------------------------

    @property
    def requests(self):
        """Records of the requests served so far (field names only, never values)."""
        return self.log.records()

    def clear_requests(self):
        """Forget the in-memory request log."""
        self.log.clear()

    def reset(self):
        """Reseed the site, disarm faults and clear the request log."""
        self.site.reset()
        self.faults.clear()
        self.log.clear()


def run_foreground(port=0, services=0, latency_ms=0, version="11.3", request_log=None,
                   out=None, stop_event=None, log_records=0, **options):
    """Serve until Ctrl-C (or ``stop_event`` is set), printing URLs and demo credentials to ``out``.

    Used by the ``agsadmin sandbox`` command and ``python -m agsadmin_core.sandbox``.
    ``log_records`` seeds that many synthetic log records (generated on
    demand, ``models/logs.py``). Extra keyword ``options`` go to ``Sandbox``.
    """
    out = out or sys.stdout
    sandbox = Sandbox(port=port, services=services, latency_ms=latency_ms, version=version,
                      request_log=request_log, log_records=log_records, **options).start()
    try:
        lines = [
            "AGSAdmin sandbox (ArcGIS Server %s emulator) running." % sandbox.site.version.text,
            "  Server URL:    %s" % sandbox.url,
            "  Admin URL:     %s" % sandbox.admin_url,
            "  Control plane: %s" % sandbox.control_url,
            "  Demo user:     %s" % DEMO_USER,
            "  Demo password: %s" % DEMO_PASSWORD,
            "  Log records:   %d synthetic + the site's own" % sandbox.site.logs.synthetic_count,
            "Press Ctrl-C to stop.",
        ]
        out.write("\n".join(lines) + "\n")
        out.flush()
        while not (stop_event is not None and stop_event.is_set()):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        out.write("AGSAdmin sandbox stopped.\n")
        out.flush()
    return 0
