"""Routes of the site area: admin root and info, the three token services, ``/rest/info``.

Sections refer to ``/work/shared/reference/admin-api.md`` (``-next``: admin-api-next.md).
"""

from __future__ import absolute_import, unicode_literals

from collections import OrderedDict

from .. import envelopes as errors
from .. import wire
from ..routing import ABSENT, NOT_EMULATED, route
from .common import absent, not_emulated


def admin_root(app, req):
    """``/arcgis/admin`` -> 302 to ``/arcgis/admin/`` (recorded 10.5.1, section 9.1), else the root."""
    if not req.raw_path.endswith("/"):
        # Recorded: 302 with an absolute Location, query kept, before any token check.
        location = app.base_url(req) + "/arcgis/admin/" + (
            "?" + req.raw_query if req.raw_query else "")
        return wire.Response(302, wire.HTML_CONTENT_TYPE, b"", headers=[("Location", location)])
    app.authorise(req)
    return app.site.root_resource()


def admin_info(app, req):
    """``/arcgis/admin/info``: lower-case keys (section 9.1)."""
    return app.site.admin_info(req.username)


def _token_fields(req, allow_query):
    # 10.3+: credentials belong in the POST body only (section 1.3).
    get = req.get if allow_query else req.form_get
    return dict(username=get("username"), password=get("password"), client=get("client"),
                referer=get("referer") or get("referrer"), ip=get("ip"),
                expiration=get("expiration"), request_ip=req.client_ip)


def _creds_in_query(req):
    return req.query_get("username") is not None or req.query_get("password") is not None


def admin_generate_token(app, req):
    """``/arcgis/admin/generateToken``: ``expires`` a string, no ``ssl`` (recorded 10.5.1, section 1.1)."""
    site = app.site
    if not app.admin_token_endpoint:
        raise errors.NotFound("generateToken")
    modern = site.version.at_least(10, 3)
    if modern and _creds_in_query(req):
        raise errors.CredentialsInQuery()
    if modern and req.method != "POST":
        raise errors.PostOnly("generateToken")
    if (req.get("encrypted") or "").lower() == "true":
        raise errors.NotEmulated("generateToken with encrypted=true")
    token = site.generate_token(source="admin", **_token_fields(req, not modern))
    return OrderedDict([("token", token.value), ("expires", str(token.expires_ms))])


def rest_generate(app, req, source, modern):
    """The REST/Portal token answer: numeric ``expires`` plus ``ssl`` (section 1.2, checklist 5)."""
    if modern and _creds_in_query(req):
        raise errors.rest_credentials_in_query()
    try:
        token = app.site.generate_token(source=source, **_token_fields(req, not modern))
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
    return OrderedDict([("token", token.value), ("expires", token.expires_ms), ("ssl", False)])


def tokens_generate(app, req):
    """``/arcgis/tokens/generateToken`` (section 1.2)."""
    return rest_generate(app, req, "tokens", app.site.version.at_least(10, 3))


def tokens_root(app, req):
    """``/arcgis/tokens/``: its info on GET; with credentials, a token as generateToken gives.

    RAPI posts credentials straight to ``tokenServicesUrl`` (-next section 12, item 10).
    """
    if req.get("username") is not None or req.get("password") is not None:
        return tokens_generate(app, req)
    # assumption: the token service's own info is unrecorded (-next 12, item 10);
    # it reports the release and where to ask for tokens.
    return OrderedDict([("currentVersion", app.site.version.number),
                        ("fullVersion", app.site.version.full),
                        ("isTokenBasedSecurity", True),
                        ("tokenServicesUrl", app.base_url(req) + "/arcgis/tokens/generateToken"),
                        ("shortLivedTokenValidity", app.site.token_minutes)])


def rest_info(app, req):
    """``/arcgis/rest/info``: no token; ``authInfo`` (recorded 10.5.1, sections 1.2, 9.1)."""
    base = app.base_url(req)
    return app.site.rest_info(base + "/arcgis", base + "/portal")


def portal_generate(app, req):
    """``/portal/sharing/rest/generateToken`` when federated (section 1.7)."""
    if not app.site.federated:
        return wire.Response(404, wire.HTML_CONTENT_TYPE, wire.status_page(404))
    # assumption: Portal applies the modern rules (POST body only).
    if req.method != "POST" and not _creds_in_query(req):
        raise errors.RestError(405, "Method not supported", [])
    return rest_generate(app, req, "portal", True)


def portal_other(app, req):
    """Anything else under ``/portal``: not emulated when federated, else the web server's 404."""
    if not app.site.federated:
        return wire.Response(404, wire.HTML_CONTENT_TYPE, wire.status_page(404))
    return not_emulated(app, req)


def site_tree(app, req, **groups):
    """A top-level admin resource: not emulated, or the 404 envelope where this release lacks it."""
    first = req.path.split("/arcgis/admin/", 1)[-1].strip("/").split("/")[0]
    known = ("machines", "clusters", "system", "security", "data", "uploads", "logs", "mode",
             "usagereports")
    if first.lower() in known and first.lower() not in app.site.root_resource_names():
        raise errors.NotFound(first)  # e.g. clusters on 11.x (see Site.root_resource)
    return not_emulated(app, req)


def _not_emulated_tree(path, doc="", since="10.1"):
    return route("ANY", path + "[/<rest>]", site_tree, since=since, doc=doc or "error envelope, code 501",
                 fallback=True, status=NOT_EMULATED)


ROUTES = [
    route("GET POST", "/arcgis/admin/", admin_root, auth="public",
          doc="site root: resources, currentVersion (number), fullVersion; `/arcgis/admin` answers 302 here"),
    route("GET POST", "/arcgis/admin/generateToken", admin_generate_token, auth="public",
          doc="POST (GET up to 10.2); expires as a string; off with admin_token_endpoint=False"),
    route("GET POST", "/arcgis/admin/info", admin_info, doc="lower-case currentversion/currentbuild"),
    route("GET POST", "/arcgis/tokens/", tokens_root, auth="public",
          doc="GET: token service info; with credentials: a token, as generateToken"),
    route("GET POST", "/arcgis/tokens/generateToken", tokens_generate, auth="public",
          doc="REST envelope; expires a number, ssl; client=referer|requestip|ip, referer, expiration"),
    route("GET POST", "/arcgis/rest/info", rest_info, auth="public",
          doc="no token; authInfo, owningSystemUrl when federated"),
    route("GET POST", "/portal/sharing/rest/generateToken", portal_generate, auth="public",
          doc="only with federated=True"),
    route("ANY", "/portal/<rest>", portal_other, auth="public", fallback=True,
          status=NOT_EMULATED, doc="with federated=True; else HTTP 404"),
    # Kubernetes-only resources: a stand-alone server has none of them.
    # assumption: it answers them with the generic 404 envelope.
    route("ANY", "/arcgis/admin/deployments[/<rest>]", absent, status=ABSENT,
          doc="Kubernetes only; a stand-alone server answers the 404 envelope"),
    route("ANY", "/arcgis/admin/system/deployments[/<rest>]", absent, status=ABSENT,
          doc="Kubernetes only; a stand-alone server answers the 404 envelope"),
] + [_not_emulated_tree("/arcgis/admin/" + name) for name in (
    "machines", "clusters", "system", "security", "data", "mode",
    "usagereports", "createNewSite", "joinSite", "deleteSite",
    "publicKey", "upgrade", "about", "kml")] + [
    _not_emulated_tree("/arcgis/admin/info/<child>"),
]
