"""Connection files (``*.agsadmin.json``) and the chain that finds a password.

A connection file holds where and how to connect, never a secret. The password comes from,
in this order (first found wins):

1. an explicit token (``--token``), which needs no password at all;
2. the environment variable ``AGSADMIN_PASSWORD``;
3. the OS keyring entry for (admin URL, user), written by ``agsadmin login``;
4. an interactive prompt, when standard input is a terminal;
5. otherwise a clear error saying how to store one.

``keyring`` is imported only when the chain reaches it: it is slow to import and a script
that uses the environment variable never needs it.
"""

import getpass
import math
import numbers
import os

from . import jsonfile
from ._compat import stdin_is_terminal, string_types
from .errors import AuthenticationFailed, InvalidInput
from .urls import parse_portal_url, parse_server_url

PASSWORD_ENV = "AGSADMIN_PASSWORD"
FILE_FORMAT = "agsadmin-connection"
FILE_SUFFIX = ".agsadmin.json"

# Any key that smells of a secret makes a connection file invalid.
_SECRET_WORDS = ("password", "passwd", "token", "secret", "credential", "apikey", "api_key")

_FIELDS = ("server_url", "username", "portal_url", "verify", "allow_http", "timeout", "auth")

#: How a connection signs in: as its user, with a password found by the chain below, or with
#: the portal sign-in of the host application (ArcGIS Pro's ``arcpy.GetSigninToken()``,
#: federated servers only).
AUTH_USER, AUTH_PRO_SIGNIN = "user", "pro-signin"


class ConnectionInfo(object):
    """Where and how to connect to a site; everything a connection file holds.

    Attributes:
        server_url: the URL as the admin gave it (any form :func:`parse_server_url` takes).
        username: the account to sign in with (None when a token is used).
        portal_url: the Portal that issues tokens for a federated server, or None.
        verify: True, False, or a path to a CA bundle.
        allow_http: send credentials over plain http to a non-loopback host.
        timeout: seconds for ordinary requests.
        auth: ``"user"`` (default: the user named here, password from the chain below) or
            ``"pro-signin"``.
    """

    def __init__(self, server_url, username=None, portal_url=None, verify=True,
                 allow_http=False, timeout=60.0, auth=AUTH_USER, source=None):
        # Typed and checked here, so a file, a CLI option and a toolbox field all meet the
        # same rules: "allow_http": "false" (a string) must not turn http on.
        where = "in '%s'" % source if source else "for the connection"
        self.server_url = _text_field("server_url", server_url, where, required=True)
        self.username = _text_field("username", username, where)
        self.portal_url = _text_field("portal_url", portal_url, where)
        self.verify = _verify_field(verify, where)
        self.allow_http = _bool_field("allow_http", allow_http, where)
        self.timeout = _timeout_field(timeout, where)
        if auth not in (AUTH_USER, AUTH_PRO_SIGNIN):
            raise InvalidInput("'auth' %s must be '%s' or '%s'." % (where, AUTH_USER,
                                                                   AUTH_PRO_SIGNIN))
        self.auth = auth
        self.urls = parse_server_url(self.server_url)
        if self.portal_url:
            parse_portal_url(self.portal_url)  # validates now, not at first use

    def to_dict(self):
        return {"format": FILE_FORMAT, "version": 1, "server_url": self.server_url,
                "username": self.username, "portal_url": self.portal_url,
                "verify": self.verify, "allow_http": self.allow_http, "timeout": self.timeout,
                "auth": self.auth}

    def replace(self, **changes):
        """A copy with ``changes`` applied and checked like the file's own values
        (``--portal``, ``--ca-bundle``, ``--timeout`` over a connection file).

        Raises:
            InvalidInput: an unknown field or a wrongly typed value, naming the field.
        """
        values = dict((k, getattr(self, k)) for k in _FIELDS)
        unknown = sorted(set(changes) - set(_FIELDS))
        if unknown:
            raise InvalidInput("Unknown connection settings: %s." % ", ".join(unknown))
        values.update(changes)
        return ConnectionInfo(**values)

    def save(self, path):
        """Write this connection to ``path`` atomically. It holds no secret by construction."""
        jsonfile.write(path, self.to_dict())

    @classmethod
    def load(cls, path):
        """Read a connection file.

        Raises:
            InvalidInput: missing or unreadable file, bad JSON, unknown format, or any
                secret in it (a password or token belongs in the keyring, not in a file).
        """
        data = jsonfile.read_format(path, FILE_FORMAT, "Connection file",
                                    hint="{create_connection}.")
        secrets = sorted(k for k in data if any(w in k.lower() for w in _SECRET_WORDS))
        if secrets:
            # Name the keys, never their values.
            raise InvalidInput(
                "Connection file '%s' holds a secret (%s); refusing to use it."
                % (path, ", ".join(secrets)),
                hint="Remove it from the file, then {keep_password}.")
        unknown = sorted(set(data) - set(_FIELDS) - set(["format", "version"]))
        if unknown:
            raise InvalidInput("Connection file '%s' has unknown keys: %s."
                               % (path, ", ".join(_short(k) for k in unknown)))
        if data.get("version", 1) != 1 or isinstance(data.get("version"), bool):
            raise InvalidInput("Connection file '%s' has a version this AGSAdmin does not "
                               "know; 'version' must be 1." % path)
        return cls(data.get("server_url"), username=data.get("username"),
                   portal_url=data.get("portal_url"), verify=data.get("verify", True),
                   allow_http=data.get("allow_http", False),
                   timeout=data.get("timeout", 60.0), auth=data.get("auth", AUTH_USER),
                   source=path)


# -- field checks: each names the field and the type it wants, never echoes a long value --

#: The longest request timeout a connection may ask for, in seconds (an hour).
MAX_TIMEOUT = 3600.0
#: The longest URL or user name a connection may hold.
MAX_TEXT = 2048


def _short(value, limit=60):
    text = "%s" % (value,)
    return text if len(text) <= limit else text[:limit] + "..."


def _text_field(name, value, where, required=False):
    if value is None or (value == "" and not required):
        if required:
            raise InvalidInput("'%s' %s is missing; it must be a URL such as "
                               "https://gis.example.com:6443/arcgis." % (name, where))
        return None
    if not isinstance(value, string_types) or not value.strip():
        raise InvalidInput("'%s' %s must be a non-empty string, not %s."
                           % (name, where, _type_name(value)))
    if any(ord(c) < 32 for c in value):
        raise InvalidInput("'%s' %s holds control characters." % (name, where))
    if len(value) > MAX_TEXT:
        raise InvalidInput("'%s' %s is longer than %d characters." % (name, where, MAX_TEXT))
    return value.strip()


def _bool_field(name, value, where):
    if not isinstance(value, bool):
        raise InvalidInput("'%s' %s must be true or false (a JSON boolean, no quotes), not %s."
                           % (name, where, _type_name(value)))
    return value


def _verify_field(value, where):
    if isinstance(value, bool):
        return value
    if isinstance(value, string_types) and value.strip() and \
            not any(ord(c) < 32 for c in value):
        if not os.path.exists(value):
            raise InvalidInput("'verify' %s names a CA bundle that does not exist: %s."
                               % (where, _short(value, 200)),
                               hint="Give the path of the PEM file (or folder) of your "
                                    "certificate authority, or true.")
        return value
    raise InvalidInput("'verify' %s must be true, false or the path of a CA bundle, not %s."
                       % (where, _type_name(value)))


def _timeout_field(value, where):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput("'timeout' %s must be a number of seconds, not %s."
                           % (where, _type_name(value)))
    try:
        seconds = float(value)
    except (OverflowError, ValueError):
        seconds = float("inf")
    if math.isnan(seconds) or seconds <= 0 or seconds > MAX_TIMEOUT:
        raise InvalidInput("'timeout' %s must be more than 0 and at most %d seconds."
                           % (where, MAX_TIMEOUT))
    return seconds


def _type_name(value):
    """How a JSON value's type reads in a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, string_types):
        return "a string"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# -- the password chain ------------------------------------------------------------------


def keyring_service(admin_url):
    """The keyring service name for a site: its admin URL, so two sites never collide."""
    return "agsadmin:" + admin_url.rstrip("/").lower()


def _keyring():
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def read_keyring_password(admin_url, username):
    """The stored password, or None when there is none or no usable keyring backend."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(keyring_service(admin_url), username)
    except Exception:  # noqa: BLE001 - any backend failure just means "not found here"
        return None


def store_password(admin_url, username, password):
    """Store ``password`` in the OS keyring for (admin URL, user).

    Raises:
        AuthenticationFailed: no keyring is usable (the message says what to do instead).
    """
    keyring = _keyring()
    if keyring is None:
        raise AuthenticationFailed("The 'keyring' package is not installed, so the password "
                                   "cannot be stored.",
                                   hint="Install it (pip install keyring) or set %s."
                                   % PASSWORD_ENV)
    try:
        keyring.set_password(keyring_service(admin_url), username, password)
    except Exception as exc:  # noqa: BLE001 - backends raise many kinds
        raise AuthenticationFailed(
            "The OS keyring refused to store the password (%s)." % type(exc).__name__,
            hint="On a server without a desktop session, set %s instead." % PASSWORD_ENV)


def delete_password(admin_url, username):
    """Remove a stored password; True when one was there and is gone."""
    if read_keyring_password(admin_url, username) is None:
        return False
    try:
        _keyring().delete_password(keyring_service(admin_url), username)
    except Exception:  # noqa: BLE001 - backends raise many kinds; report "not removed"
        return False
    return read_keyring_password(admin_url, username) is None


def find_password(admin_url, username, prompt=True, environ=None):
    """Find the password for ``username`` by the chain above; returns (password, source).

    ``source`` is one of ``"environment"``, ``"keyring"``, ``"prompt"``, for messages.

    Raises:
        AuthenticationFailed: nothing in the chain had a password.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(PASSWORD_ENV)
    if value:
        return value, "environment"
    value = read_keyring_password(admin_url, username)
    if value:
        return value, "keyring"
    if prompt and stdin_is_terminal():
        value = getpass.getpass("Password for %s at %s: " % (username, admin_url))
        if value:
            return value, "prompt"
    raise AuthenticationFailed("No password found for '%s' at %s." % (username, admin_url),
                               hint="{keep_password}.")
