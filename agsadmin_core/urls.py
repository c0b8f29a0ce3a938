"""Turn the URL an administrator pastes into the site's admin, REST and token URLs.

Admins paste many forms: ``https://host:6443/arcgis``, ``.../arcgis/admin/``,
``http://host:6080/arcgis``, a Web Adaptor ``https://host/server``, or a REST page they had open
(``.../arcgis/rest/services/Maps``). All of them name one site; we derive its roots once here.
"""

import collections
import re

from ._compat import urlsplit, urlunsplit
from .errors import InvalidInput

# Path tails that belong to a page inside the site rather than to the site itself.
_SITE_TAILS = re.compile(r"/(admin|rest|manager|tokens|help)(/.*)?$", re.IGNORECASE)

_LOOPBACK_HOSTS = ("localhost", "::1", "[::1]")


class ServerUrls(collections.namedtuple("ServerUrls", "site admin rest tokens host scheme")):
    """The roots of one ArcGIS Server site.

    Attributes:
        site: the site root, e.g. ``https://gis.example.com:6443/arcgis`` (no trailing slash).
        admin: the Administrator API root, ``<site>/admin``.
        rest: the REST services root, ``<site>/rest``.
        tokens: the public token service, ``<site>/tokens/generateToken``.
        host: the host name, lower case.
        scheme: ``http`` or ``https``.
    """

    __slots__ = ()

    @property
    def is_loopback(self):
        """True for 127.0.0.0/8, ::1 and localhost, where plain http carries no risk."""
        return self.host in _LOOPBACK_HOSTS or self.host.startswith("127.")


def parse_server_url(text):
    """Return the :class:`ServerUrls` of the site that ``text`` points into.

    Raises:
        InvalidInput: when ``text`` is empty or not an http(s) URL.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("No server URL was given.",
                           hint="Give one like https://gis.example.com:6443/arcgis.")
    if "://" not in raw:
        # A bare "host:6080/arcgis": 6080 is the http port by default, anything else https.
        scheme = "http" if re.match(r"^[^/]+:6080(/|$)", raw) else "https"
        raw = "%s://%s" % (scheme, raw)
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("'%s' is not an http or https URL." % text,
                           hint="Give one like https://gis.example.com:6443/arcgis.")
    path = _SITE_TAILS.sub("", parts.path.rstrip("/"))
    if not path:
        # A bare host: the default context of a direct install is /arcgis.
        path = "/arcgis"
    site = urlunsplit((scheme, parts.netloc, path, "", "")).rstrip("/")
    return ServerUrls(site=site, admin=site + "/admin", rest=site + "/rest",
                      tokens=site + "/tokens/generateToken",
                      host=parts.hostname.lower(), scheme=scheme)


def parse_portal_url(text):
    """Return the Portal's ``sharing/rest/generateToken`` URL for a pasted portal URL.

    Accepts ``https://portal.example.com/portal``, ``.../portal/home``, or
    ``.../portal/sharing/rest``.

    Raises:
        InvalidInput: when ``text`` is not an http(s) URL.
    """
    raw = (text or "").strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput("'%s' is not a Portal URL." % text,
                           hint="Give one like https://portal.example.com/portal.")
    path = re.sub(r"/(home|sharing)(/.*)?$", "", parts.path.rstrip("/"), flags=re.IGNORECASE)
    root = urlunsplit((parts.scheme.lower(), parts.netloc, path, "", "")).rstrip("/")
    return root + "/sharing/rest/generateToken"


def strip_secrets(url):
    """Return ``url`` without its query string, where a careless server might echo a token."""
    parts = urlsplit(url or "")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
