"""Routes of the logs area: ``/admin/logs``, ``query``, ``settings``, ``settings/edit``, ``clean``.

Sections refer to ``/work/shared/reference/admin-api.md`` section 7 and
``admin-api-next.md`` section 7 (``-next``). ``query`` answers GET and POST
with its fields in the query string or a form body (-next 7.3, item 1);
the rules live in ``models/logs.py``.
"""

from __future__ import absolute_import, unicode_literals

from collections import OrderedDict

from .. import envelopes as errors
from ..models import logs as model
from ..routing import NOT_EMULATED, route
from .common import not_emulated, post_only

_QUERY_FIELDS = ("startTime", "endTime", "level", "filterType", "filter", "pageSize",
                 "sinceServerStart", "sinceLastStart", "sinceLastStarted")


def logs_root(app, req):
    """``/logs``: its operations and child resource.

    assumption: the resource body is unrecorded; it lists what the docs list.
    """
    return OrderedDict([("operations", ["query", "clean", "countErrorReports"]),
                        ("resources", ["settings"])])


def query(app, req):
    """``/logs/query``: GET or POST, form or query string (-next 7.1 to 7.3)."""
    if req.fmt == "xml":
        raise errors.NotEmulated("logs/query with f=xml")
    area = app.site.logs
    fields = dict((name, req.get(name)) for name in _QUERY_FIELDS)
    return area.query(model.build_query(fields, area.has_request_ids))


def settings(app, req):
    """``/logs/settings`` (recorded shape, section 7.2)."""
    return app.site.logs.settings_json()


def edit_settings(app, req):
    """``/logs/settings/edit`` (POST): echoes the settings (recorded, section 7.2)."""
    post_only(req, "edit")
    return app.site.logs.edit_settings(
        log_level=req.get("logLevel"), log_dir=req.get("logDir"),
        max_log_file_age=req.get("maxLogFileAge"),
        max_error_reports_count=req.get("maxErrorReportsCount"),
        usage_metering_enabled=req.get("usageMeteringEnabled"))


def clean(app, req):
    """``/logs/clean`` (POST): deletes every log record (section 7.2)."""
    post_only(req, "clean")
    return app.site.logs.clean()


def logs_child(app, req, rest):
    """Any other child of ``/logs``: the 404 envelope naming it."""
    raise errors.NotFound(rest.split("/")[0])


ROUTES = [
    route("GET POST", "/arcgis/admin/logs", logs_root, doc="operations and resources"),
    route("GET POST", "/arcgis/admin/logs/query", query,
          doc="GET or POST, form or query; filterType optional; JSON or single-quoted filter; "
              "`*`, `[]`, lists, code ranges; `''` times absent; ms or server timestamps; "
              "pageSize capped at 10000; newest first, boundary millisecond repeated; "
              "requestIds and requestID from 10.7"),
    route("GET POST", "/arcgis/admin/logs/settings", settings,
          doc="logDir (trailing slash), logLevel, maxLogFileAge, maxErrorReportsCount"),
    route("POST", "/arcgis/admin/logs/settings/edit", edit_settings,
          doc="echoes settings; logLevel OFF..DEBUG; omitted fields kept"),
    route("POST", "/arcgis/admin/logs/clean", clean, doc="deletes every record so far"),
    route("ANY", "/arcgis/admin/logs/countErrorReports[/<rest>]", not_emulated,
          doc="error envelope, code 501", status=NOT_EMULATED),
    route("ANY", "/arcgis/admin/logs/<rest>", logs_child, fallback=True,
          doc="other children: the 404 envelope naming the child"),
]
