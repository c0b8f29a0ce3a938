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

_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
_HOST = re.compile(r"^[\w.\-]{1,253}$", re.UNICODE)
_HEX16 = re.compile(r"^[0-9a-f]{1,4}$")


def _ipv4_octets(host):
    """The four octets of a dotted-quad IPv4 literal, or None (2.7 has no ``ipaddress``).

    Strict on purpose: ``127.1``, ``0x7f.0.0.1`` or ``127.0.0.1.example.com`` are not
    literals here, so they are never taken for loopback (refusing is the safe mistake).
    """
    match = _IPV4.match(host)
    if not match:
        return None
    octets = [int(part) for part in match.groups()]
    if any(o > 255 for o in octets) or any(len(p) > 1 and p[0] == "0" for p in match.groups()):
        return None
    return octets


def _ipv6_groups(host):
    """The eight 16-bit groups of a plain IPv6 literal (no zone, no embedded IPv4), or None."""
    text = host.strip("[]").lower()
    if text.count("::") > 1 or ":" not in text:
        return None
    head, sep, tail = text.partition("::")
    left = head.split(":") if head else []
    right = tail.split(":") if tail else []
    if not all(_HEX16.match(g) for g in left + right):
        return None
    missing = 8 - len(left) - len(right)
    if (sep and missing < 1) or (not sep and missing != 0):
        return None
    return [int(g, 16) for g in left] + [0] * missing + [int(g, 16) for g in right]


def is_loopback_host(host):
    """True only for ``localhost``, an IPv4 literal in 127.0.0.0/8, or the IPv6 ``::1``.

    Decided from the parsed address, never by prefix: ``127.0.0.1.example.com`` is a name
    anyone can point anywhere, so it is not loopback.
    """
    host = (host or "").strip().lower().rstrip(".")
    if host == "localhost":
        return True
    octets = _ipv4_octets(host)
    if octets is not None:
        return octets[0] == 127
    return _ipv6_groups(host) == [0] * 7 + [1]


def is_loopback_url(url):
    """True when ``url``'s host is loopback (see :func:`is_loopback_host`)."""
    try:
        return is_loopback_host(urlsplit(url or "").hostname)
    except ValueError:
        return False


def shown(url):
    """``url`` as it may appear in a message: no user name, password, query or fragment."""
    try:
        text = strip_secrets(url)
        authority = text.split("://", 1)[-1].split("/", 1)[0]
        return "the given URL" if "@" in authority else text
    except ValueError:  # unparseable: show it only when it cannot hold a password
        return "the given URL" if "@" in (url or "") else (url or "")[:200]


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
        return is_loopback_host(self.host)


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
    parts, host = _split(raw, "server URL",
                         "Give one like https://gis.example.com:6443/arcgis.")
    scheme = parts.scheme.lower()
    path = _SITE_TAILS.sub("", parts.path.rstrip("/"))
    if not path:
        # A bare host: the default context of a direct install is /arcgis.
        path = "/arcgis"
    site = urlunsplit((scheme, parts.netloc, path, "", "")).rstrip("/")
    return ServerUrls(site=site, admin=site + "/admin", rest=site + "/rest",
                      tokens=site + "/tokens/generateToken", host=host, scheme=scheme)


def parse_portal_url(text):
    """Return the Portal's ``sharing/rest/generateToken`` URL for a pasted portal URL.

    Accepts ``https://portal.example.com/portal``, ``.../portal/home``, or
    ``.../portal/sharing/rest``.

    Raises:
        InvalidInput: when ``text`` is not an http(s) URL.
    """
    raw = (text or "").strip()
    parts, _ = _split(raw, "Portal URL", "Give one like https://portal.example.com/portal.")
    path = re.sub(r"/(home|sharing)(/.*)?$", "", parts.path.rstrip("/"), flags=re.IGNORECASE)
    root = urlunsplit((parts.scheme.lower(), parts.netloc, path, "", "")).rstrip("/")
    return root + "/sharing/rest/generateToken"


def _split(raw, what, hint):
    """Split an http(s) URL and check it; returns (parts, lower-case host).

    Refuses, without ever echoing a password: a user name or password in the URL (they would
    be logged, printed and stored with it), a port outside 1-65535, anything not http(s).
    """
    try:
        parts = urlsplit(raw)
        host = parts.hostname
        # "user:pw@host" without a scheme parses as scheme "user": look at the text too.
        authority = raw.split("://", 1)[-1].split("/", 1)[0]
        userinfo = "@" in parts.netloc or "@" in authority
        port_text = parts.netloc.rpartition("@")[2]
        port = parts.port
    except ValueError:  # "[::1", a port out of range or not a number, on 3.x
        raise InvalidInput("'%s' is not a valid %s (bad host or port)." % (shown(raw), what),
                           hint=hint)
    if userinfo:
        raise InvalidInput(
            "The %s holds a user name or password before '@%s'; refusing it so the password "
            "is never logged, printed or stored." % (what, host or "the host"),
            hint="Remove the 'user:password@' part and give the user separately; "
                 "{keep_password}.")
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidInput("'%s' is not an http or https %s." % (shown(raw), what), hint=hint)
    if not _HOST.match(host) and _ipv6_groups(host) is None:
        raise InvalidInput("The %s's host name '%s' is not valid." % (what, host[:100]),
                           hint=hint)
    has_port = re.search(r":[^\]:]*$", port_text) is not None
    if has_port and (port is None or not 0 < port < 65536):  # 2.7 lets 99999 through
        raise InvalidInput("'%s' has a port outside 1-65535." % shown(raw), hint=hint)
    return parts, host.lower()


def origin(url):
    """``(scheme, host, port)`` of ``url``, with the scheme's default port filled in: two
    URLs of one origin may receive the same token."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), \
        parts.port or (443 if scheme == "https" else 80)


def strip_secrets(url):
    """Return ``url`` without user name, password, query string and fragment.

    The query is where a careless server might echo a token; the user info is where a
    pasted ``https://user:pw@host`` keeps its password.
    """
    parts = urlsplit(url or "")
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
