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
                 allow_http=False, timeout=60.0, auth=AUTH_USER):
        self.server_url = server_url
        self.username = username
        self.portal_url = portal_url
        self.verify = verify
        self.allow_http = bool(allow_http)
        self.timeout = float(timeout)
        if auth not in (AUTH_USER, AUTH_PRO_SIGNIN):
            raise InvalidInput("Unknown sign-in method '%s'; use '%s' or '%s'."
                               % (auth, AUTH_USER, AUTH_PRO_SIGNIN))
        self.auth = auth
        self.urls = parse_server_url(server_url)
        if portal_url:
            parse_portal_url(portal_url)  # validates now, not at first use

    def to_dict(self):
        return {"format": FILE_FORMAT, "version": 1, "server_url": self.server_url,
                "username": self.username, "portal_url": self.portal_url,
                "verify": self.verify, "allow_http": self.allow_http, "timeout": self.timeout,
                "auth": self.auth}

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
                               % (path, ", ".join(unknown)))
        verify = data.get("verify", True)
        if not isinstance(verify, bool) and not isinstance(verify, string_types):
            raise InvalidInput("'verify' in '%s' must be true, false or a CA bundle path."
                               % path)
        return cls(data.get("server_url"), username=data.get("username"),
                   portal_url=data.get("portal_url"), verify=verify,
                   allow_http=data.get("allow_http", False),
                   timeout=data.get("timeout", 60.0), auth=data.get("auth", AUTH_USER))


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
