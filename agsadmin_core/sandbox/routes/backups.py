"""Routes of the backups area: exportSite, a backup's download, importSite, the machines.

The machines list is what a client reads to tell a server machine's URL from a Web Adaptor's.

Sections refer to ``/work/shared/reference/admin-api-next.md`` (5, 6) and ``admin-api.md`` (9.3).
"""

from __future__ import absolute_import, unicode_literals

import os
from collections import OrderedDict

from .. import wire
from ..routing import route
from .common import post_only


def _validate(app, req):
    # validate arrived at 11.1 (-next 5, 6); assumption: older releases ignore the parameter.
    return app.site.version.at_least(11, 1) and (req.get("validate") or "").lower() == "true"


def export_site(app, req):
    """``POST /exportSite``: the file's path (``location`` given) or a URL to download it."""
    post_only(req, "exportSite")
    location = req.get("location") or None
    path = app.site.backups.export_site(location, validate=_validate(app, req))
    if path is None:
        return OrderedDict([("status", "success")])
    if location is None:
        # assumption: the URL form is unrecorded (-next 12, item 2); it points into the
        # server's own directory, under the context the client used.
        path = "%s%s/admin/exportSite/backups/%s" % (
            app.base_url(req), getattr(req, "context", "/arcgis"), os.path.basename(path))
    return OrderedDict([("status", "success"), ("location", path)])


def download(app, req, name):
    """The bytes of a backup in the server's directory, streamed from disk."""
    path = app.site.backups.backup_file(name)
    return wire.Response(200, "application/octet-stream", file=path, headers=[
        ("Content-Disposition", 'attachment; filename="%s"' % name)])


def import_site(app, req):
    """``POST /importSite``: replace the site with a backup; a report, a part per area."""
    post_only(req, "importSite")
    return app.site.backups.import_site(req.get("location"), validate=_validate(app, req),
                                        via_web_adaptor=getattr(req, "via_web_adaptor", False))


def machines(app, req):
    """``/machines`` (admin-api.md 9.3): the one machine, with its own admin URL."""
    # assumption: one machine, named after the sandbox; its adminURL is the direct URL.
    return OrderedDict([("machines", [OrderedDict([
        ("machineName", "SANDBOX.AGSADMIN.LOCAL"),
        ("adminURL", app.base_url(req) + "/arcgis/admin")])])])


ROUTES = [
    route("GET POST", "/arcgis/admin/machines", machines,
          doc="one machine; adminURL is the direct URL (a Web Adaptor's differs)"),
    route("POST", "/arcgis/admin/exportSite", export_site, since="10.2",
          doc="location (a folder the server writes) or none: a download URL; validate 11.1+; "
              "delay_ms, pad_to"),
    # Declared from 10.1: before 10.2 there is no exportSite, so no backup to serve (404).
    route("GET POST", "/arcgis/admin/exportSite/backups/<name>", download,
          doc="a backup exportSite wrote, streamed from disk; fault `cut` ends it halfway"),
    route("POST", "/arcgis/admin/importSite", import_site, since="10.2",
          doc="location (a path, or a backup's name); validate 11.1+; refused through a "
              "Web Adaptor; report: a part per area"),
]
