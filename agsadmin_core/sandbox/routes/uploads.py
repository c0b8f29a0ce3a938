"""Routes of the uploads area in the Administrator API (admin-api-next.md sections 8, 9).

Operations are POST only; the item, its parts and its ``serviceconfiguration.json`` answer
GET and POST. Parts and files arrive as multipart parts already spooled to disk.
"""

from __future__ import absolute_import, unicode_literals

from .. import wire
from .. import envelopes as errors
from ..routing import route

BASE = "/arcgis/admin/uploads"


def list_items(app, req):
    """``/uploads``: every item."""
    return app.site.uploads.list()


def upload(app, req):
    """``/uploads/upload``: multipart ``itemFile`` (+ ``description``), one request."""
    return app.site.uploads.upload(req.part("itemFile"), req.get("description"))


def register(app, req):
    """``/uploads/register``: ``itemName`` (+ ``description``), for a chunked upload."""
    return app.site.uploads.register((req.get("itemName") or "").strip(),
                                     req.get("description"))


def item(app, req, item):
    """``/uploads/<itemID>``: the item object."""
    return app.site.uploads.item(item)


def upload_part(app, req, item):
    """``/uploads/<itemID>/uploadPart``: multipart ``partNumber`` and ``partFile``."""
    return app.site.uploads.upload_part(item, req.get("partNumber"), req.part("partFile"))


def commit(app, req, item):
    """``/uploads/<itemID>/commit``: optional ``parts`` (comma list or JSON array)."""
    return app.site.uploads.commit(item, req.get("parts"))


def parts(app, req, item):
    """``/uploads/<itemID>/parts``: the part numbers received."""
    return app.site.uploads.parts(item)


def delete(app, req, item):
    """``/uploads/<itemID>/delete``."""
    return app.site.uploads.delete(item)


def service_configuration(app, req, item):
    """``/uploads/<itemID>/serviceconfiguration.json``: the document itself, JSON whatever
    ``f`` says (clients parse the raw body, -next 9)."""
    data = app.site.uploads.service_configuration(item)
    return wire.Response(200, wire.JSON_CONTENT_TYPE,
                         wire.dumps(data, "pjson" if req.fmt == "pjson" else "json"))


def item_child(app, req, item, rest):
    """Any other child: the item must exist, then the 404 envelope names the child."""
    app.site.uploads.get(item)
    raise errors.NotFound(rest.split("/")[0])


ROUTES = [
    route("GET POST", BASE, list_items, doc="items"),
    route("POST", BASE + "/upload", upload,
          doc="multipart itemFile, streamed to disk; extension whitelist"),
    route("POST", BASE + "/register", register, doc="itemName; committed false"),
    route("GET POST", BASE + "/<item>", item, doc="the item, no wrapper; unknown: 404 envelope"),
    route("POST", BASE + "/<item>/uploadPart", upload_part,
          doc="multipart partNumber + partFile; a part sent again replaces it"),
    route("POST", BASE + "/<item>/commit", commit,
          doc="parts as a comma list or a JSON array; default ascending"),
    route("GET POST", BASE + "/<item>/parts", parts, doc="part numbers received"),
    route("POST", BASE + "/<item>/delete", delete, doc="file and record removed"),
    route("GET POST", BASE + "/<item>/serviceconfiguration.json", service_configuration,
          doc="the .sd's own document (7-Zip read: stored everywhere, LZMA/LZMA2/BCJ with lzma)"),
    route("ANY", BASE + "/<item>/<rest>", item_child,
          doc="other children: the 404 envelope naming the child"),
]
