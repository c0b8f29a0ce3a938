"""Routes of the services area in the Administrator API: folders, services, their children.

Sections refer to ``/work/shared/reference/admin-api.md`` (``-next``: admin-api-next.md).
Operations are POST only; resources answer GET and POST (section 10).
"""

from __future__ import absolute_import, unicode_literals

import json

from .. import envelopes as errors
from .. import wire
from ..routing import NOT_EMULATED, route
from .common import json_field, not_emulated

SVC = "/arcgis/admin/services/[<folder>/]<service>"


def _service(app, folder, service):
    name, _, type_ = service.rpartition(".")
    return app.site.services.get_service(folder or "", name, type_)


def list_root(app, req):
    """``/services`` (section 2.1)."""
    return app.site.services.list_root(detail=(req.get("detail") or "").lower() == "true")


def list_folder(app, req, folder):
    """``/services/<folder>`` (section 2.2)."""
    return app.site.services.list_folder(folder)


def report(app, req, folder=""):
    """``/services/[<folder>/]report`` with ``parameters`` and ``services`` filters (section 2.2)."""
    parameters = json_field(req, "parameters", list)
    services = json_field(req, "services", (list, dict))
    if isinstance(services, dict):
        services = services.get("services") or []
    return app.site.services.report(folder, parameters=parameters, services=services)


def _batch(req):
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


def start_services(app, req):
    """``/services/startServices`` (10.3+, section 3)."""
    return app.site.services.start_services(_batch(req))


def stop_services(app, req):
    """``/services/stopServices`` (10.3+, section 3)."""
    return app.site.services.stop_services(_batch(req))


def delete_services(app, req):
    """``/services/deleteServices`` (10.7.1+, section 3)."""
    return app.site.services.delete_services(_batch(req))


def exists(app, req):
    """``/services/exists`` (section 2.2)."""
    return app.site.services.exists(req.get("folderName"), req.get("serviceName"), req.get("type"))


def create_folder(app, req):
    """``/services/createFolder`` (section 2.2)."""
    return app.site.services.create_folder((req.get("folderName") or "").strip(),
                                           req.get("description"))


def delete_folder(app, req, folder):
    """``/services/<folder>/deleteFolder``."""
    return app.site.services.delete_folder(folder)


def rename_service(app, req, folder=""):
    """``/services/[<folder>/]renameService`` (-next section 4)."""
    return app.site.services.rename_service(folder, req.get("serviceName"), req.get("serviceType"),
                                            req.get("serviceNewName"))


def create_service(app, req, folder=""):
    """``/services/[<folder>/]createService`` with ``service`` = the service JSON (section 2.3)."""
    definition = json_field(req, "service", dict)
    if definition is None:
        raise errors.MissingParameter("service")
    return app.site.services.create_service(folder, definition)


def service_json(app, req, service, folder=""):
    """``.../<name>.<type>`` (section 2.3)."""
    return app.site.services.service_json(_service(app, folder, service))


def status(app, req, service, folder=""):
    """``.../<name>.<type>/status`` (section 2.4)."""
    return app.site.services.status(_service(app, folder, service))


def start(app, req, service, folder=""):
    """``.../start`` (section 3)."""
    return app.site.services.start_service(_service(app, folder, service))


def stop(app, req, service, folder=""):
    """``.../stop`` (section 3)."""
    return app.site.services.stop_service(_service(app, folder, service))


def delete(app, req, service, folder=""):
    """``.../delete`` (-next section 2)."""
    return app.site.services.delete_service(_service(app, folder, service))


def iteminfo(app, req, service, folder=""):
    """``.../iteminfo`` (section 9.4, -next section 3)."""
    return app.site.services.iteminfo(_service(app, folder, service))


def manifest(app, req, service, folder=""):
    """``.../iteminfo/manifest/manifest.json``: JSON whatever ``f`` says (ARC adds f=json, -next 3)."""
    data = app.site.services.manifest(_service(app, folder, service))
    return wire.Response(200, wire.JSON_CONTENT_TYPE,
                         wire.dumps(data, "pjson" if req.fmt == "pjson" else "json"))


def permissions(app, req, service, folder=""):
    """``.../permissions`` (section 2.3 children)."""
    return app.site.services.permissions(_service(app, folder, service))


def service_child(app, req, service, rest, folder=""):
    """Any other child: the service must exist, then the 404 envelope names the child."""
    _service(app, folder, service)
    raise errors.NotFound(rest.split("/")[0])


def folder_child(app, req, folder, rest):
    """Any other folder child: the folder must exist, then the 404 envelope names the child."""
    app.site.services.get_folder(folder)
    raise errors.NotFound(rest.split("/")[0])


def _not_emulated(path):
    return route("ANY", path + "[/<rest>]", not_emulated, doc="error envelope, code 501",
                 status=NOT_EMULATED)


ROUTES = [
    route("GET POST", "/arcgis/admin/services", list_root, doc="root folder; detail=true expands services"),
    route("GET POST", "/arcgis/admin/services/report", report, doc="parameters, services filters"),
    route("POST", "/arcgis/admin/services/startServices", start_services, since="10.3",
          doc="wrapped or bare array"),
    route("POST", "/arcgis/admin/services/stopServices", stop_services, since="10.3",
          doc="wrapped or bare array"),
    route("POST", "/arcgis/admin/services/deleteServices", delete_services, since="10.7.1",
          doc="wrapped or bare array"),
    route("POST", "/arcgis/admin/services/exists", exists, doc="folder or service"),
    route("POST", "/arcgis/admin/services/createFolder", create_folder,
          doc="duplicates and System/Utilities refused"),
    route("POST", "/arcgis/admin/services/renameService", rename_service,
          doc="serviceName, serviceType, serviceNewName; `/services//renameService` is the root"),
] + [_not_emulated("/arcgis/admin/services/" + n) for n in (
    "types", "permissions", "properties", "webhooks", "exportServices", "importServices",
    "canCreateService", "federate", "unfederate", "editFolder")] + [
    route("POST", "/arcgis/admin/services/createService", create_service,
          doc="from a service JSON (`service`); name taken or invalid refused"),
    route("GET POST", SVC, service_json, doc="service JSON"),
    route("GET POST", SVC + "/status", status, doc="configuredState, realTimeState"),
    route("POST", SVC + "/start", start, doc="idempotent; hosted refused; `/Start` too"),
    route("POST", SVC + "/stop", stop, doc="idempotent; hosted refused; `/Stop` too"),
    route("POST", SVC + "/delete", delete, doc="isDefault refused"),
    route("GET POST", SVC + "/iteminfo", iteminfo, doc="item info from the seed"),
    route("GET POST", SVC + "/iteminfo/manifest/manifest.json", manifest,
          doc="JSON whatever f says (databases, resources)"),
    route("GET POST", SVC + "/permissions", permissions, doc="principals from the seed"),
] + [_not_emulated(SVC + "/" + n) for n in (
    "edit", "statistics", "lifecycleinfos", "changeProvider", "jobs")] + [
    route("ANY", SVC + "/<rest>", service_child, fallback=True,
          doc="other children: the 404 envelope naming the child"),
    route("GET POST", "/arcgis/admin/services/<folder>", list_folder, doc="one folder level"),
    route("GET POST", "/arcgis/admin/services/<folder>/report", report, doc="parameters, services filters"),
    route("POST", "/arcgis/admin/services/<folder>/renameService", rename_service,
          doc="folder services"),
    route("POST", "/arcgis/admin/services/<folder>/deleteFolder", delete_folder,
          doc="deletes the folder and its services"),
] + [_not_emulated("/arcgis/admin/services/<folder>/" + n) for n in (
    "editFolder", "permissions")] + [
    route("POST", "/arcgis/admin/services/<folder>/createService", create_service,
          doc="in that folder; a `folderName` in the JSON must agree"),
    route("ANY", "/arcgis/admin/services/<folder>/<rest>", folder_child, fallback=True,
          doc="other children: the 404 envelope naming the child"),
]
