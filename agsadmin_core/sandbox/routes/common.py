"""Handlers and helpers shared by every area's routes (not-emulated, absent, parameter parsing)."""

from __future__ import absolute_import, unicode_literals

import json

from .. import envelopes as errors


def not_emulated(app, req, **groups):
    """A real resource the sandbox does not emulate: an explicit error, never a made-up success."""
    what = req.path.split("/arcgis/", 1)[-1].strip("/")
    if not req.path.lower().startswith("/arcgis/admin"):
        raise errors.rest_not_emulated(req.path)
    raise errors.NotEmulated(what.split("admin/", 1)[-1] or what)


def absent(app, req, **groups):
    """A resource a stand-alone ArcGIS Server does not have: the generic 404, as such a server answers."""
    raise errors.NotFound(req.path.rstrip("/").rsplit("/", 1)[-1])


def post_only(req, operation):
    """Refuse a GET on a POST-only operation (section 10)."""
    if req.method != "POST":
        raise errors.PostOnly(operation)


def json_field(req, name, kinds):
    """A JSON-valued form field parsed, or None when absent; lenient with single quotes."""
    raw = req.get(name)
    if raw in (None, ""):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        # Single-quoted pseudo-JSON appears in Esri's own samples (-next section 7).
        try:
            value = json.loads(raw.replace("'", '"'))
        except ValueError:
            raise errors.InvalidParameter(name, "The value is not valid JSON.")
    if not isinstance(value, kinds):
        raise errors.InvalidParameter(name, "Unexpected JSON type.")
    return value
