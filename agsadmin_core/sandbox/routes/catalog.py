"""Routes of the REST services directory (``/arcgis/rest/services``), a view of the services area.

Sections refer to ``/work/shared/reference/admin-api-next.md`` (10.4 item 1:
catalog shapes, folder-qualified names) and ``admin-api.md`` (1.6: REST
envelopes). Started services only are listed; each service type answers a
minimal resource; with ``catalog_requires_token`` (the default) a request
without a token answers 499 ``Token Required``.
"""

from __future__ import absolute_import, unicode_literals

from collections import OrderedDict

from ..routing import NOT_EMULATED, route
from .common import not_emulated

# The 18 tasks of System/PublishingTools on a live 10.81 server (-next 10.1, HIST).
PUBLISHING_TASKS = [
    "Analyze Features for Portal", "Available Fonts", "Delete Service", "Describe Datastore",
    "Download Portal Item Data", "Export Service", "Externalize Service Connections",
    "Generate Features for Portal", "Get Cache Info", "Get Database Connection String",
    "Manage Feature Service", "Publish Datasets In Data Store", "Publish Datasets In Data Stores",
    "Publish Portal Service", "Publish Service Definition", "Refresh Service", "TablesToExcel",
    "Validate Server Data Store",
]

_WEB_MERCATOR = OrderedDict([("wkid", 102100), ("latestWkid", 3857)])


def _extent():
    # assumption: any plausible extent will do; clients only read its keys.
    return OrderedDict([("xmin", -20037507.07), ("ymin", -19971868.88), ("xmax", 20037507.07),
                        ("ymax", 19971868.88), ("spatialReference", _WEB_MERCATOR)])


def _directory(app, folders, services):
    return OrderedDict([("currentVersion", app.site.version.number), ("folders", folders),
                        ("services", services)])


def catalog_root(app, req):
    """``/arcgis/rest/services``: every folder, and the started root services."""
    _, folders, services = app.site.services.catalog_folder("")
    return _directory(app, folders, services)


def catalog_folder(app, req, folder):
    """``/arcgis/rest/services/<folder>``: its started services, as ``Folder/Name``."""
    _, _, services = app.site.services.catalog_folder(folder)
    return _directory(app, [], services)


def rest_resource(version, svc):
    """The minimal REST resource of one service, per type.

    assumption: only the keys clients read first are emulated (description,
    capabilities, layers/tasks, spatial reference); the real resources are richer.
    """
    props = svc.config.get("properties", {})
    body = OrderedDict([("currentVersion", version.number),
                        ("serviceDescription", svc.description)])
    caps = svc.config.get("capabilities", "")
    t = svc.type
    if t == "MapServer":
        body.update([("mapName", "Layers"), ("description", svc.description),
                     ("copyrightText", ""), ("supportsDynamicLayers", False),
                     ("layers", []), ("tables", []), ("spatialReference", _WEB_MERCATOR),
                     ("singleFusedMapCache", props.get("isCached") == "true"),
                     ("initialExtent", _extent()), ("fullExtent", _extent()),
                     ("units", "esriMeters"), ("capabilities", caps),
                     ("maxRecordCount", int(props.get("maxRecordCount", "1000")))])
    elif t == "GPServer":
        tasks = PUBLISHING_TASKS if svc.ref == "System/PublishingTools.GPServer" else [svc.name]
        body.update([("tasks", tasks), ("executionType", "esriExecutionTypeAsynchronous"),
                     ("resultMapServerName", ""),  # ARC needs the key (-next 10.1, item 5)
                     ("maximumRecords", int(props.get("maximumRecords", "1000")))])
    elif t == "FeatureServer":
        body.update([("hasVersionedData", False), ("supportsDisconnectedEditing", False),
                     ("supportedQueryFormats", "JSON"), ("capabilities", caps),
                     ("maxRecordCount", int(props.get("maxRecordCount", "1000"))),
                     ("layers", []), ("tables", []), ("spatialReference", _WEB_MERCATOR),
                     ("initialExtent", _extent()), ("fullExtent", _extent())])
    elif t == "GeocodeServer":
        body.update([("addressFields", []), ("candidateFields", []),
                     ("spatialReference", _WEB_MERCATOR), ("locatorProperties", OrderedDict()),
                     ("capabilities", caps)])
    elif t == "ImageServer":
        body.update([("name", svc.ref.rpartition(".")[0]), ("description", svc.description),
                     ("extent", _extent()), ("bandCount", 3), ("pixelType", "U8"),
                     ("capabilities", caps)])
    elif t == "VectorTileServer":
        body.update([("name", svc.name), ("capabilities", caps), ("type", "indexedVector"),
                     ("tiles", ["tile/{z}/{y}/{x}.pbf"]), ("defaultStyles", "resources/styles")])
    elif t == "SceneServer":
        body.update([("serviceName", svc.name), ("name", svc.name), ("serviceVersion", "1.8"),
                     ("supportedBindings", ["REST"]), ("layers", [])])
    return body


def service_resource(app, req, name, type, folder=""):  # noqa: A002 - the URL's word
    """``/arcgis/rest/services/[<folder>/]<name>/<type>``: a started service's resource."""
    svc = app.site.services.catalog_service(folder, name, type)
    return rest_resource(app.site.version, svc)


ROUTES = [
    route("GET POST", "/arcgis/rest/services", catalog_root, auth="catalog",
          doc="folders and started root services; 499 without a token when required"),
    route("GET POST", "/arcgis/rest/services/<folder>", catalog_folder, auth="catalog",
          doc="started services as {name: Folder/Name, type}"),
    route("GET POST", "/arcgis/rest/services/[<folder>/]<name>/<type>", service_resource,
          auth="catalog", doc="minimal resource per service type; stopped: error 500"),
    route("ANY", "/arcgis/rest/<rest>", not_emulated, auth="catalog", fallback=True,
          status=NOT_EMULATED, doc="layers, operations, GP tasks: REST error, code 501"),
]
