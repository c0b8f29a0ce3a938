"""Server: the entry point of the public API, one object per site connection.

``Server.connect(url, username=...)`` or ``Server.from_connection_file(path)`` signs in and
gives ``server.services`` (and, as later resources arrive, ``server.site``, ``server.logs``
...). The HTTP machinery (``session.py``, which imports ``requests``) is imported only here,
when a connection is made, so importing the package stays cheap for the toolbox.
"""

from .auth import GivenToken, PasswordTokenProvider, PortalTokenProvider, \
    SigninTokenProvider, ensure_safe_transport
from .connection import AUTH_PRO_SIGNIN, ConnectionInfo, find_password
from .errors import AuthenticationFailed
from .services import ServicesManager
from .urls import parse_portal_url, parse_server_url


class Server(object):
    """A signed-in connection to one ArcGIS Server site.

    Attributes:
        session: the :class:`~agsadmin_core.session.AdminSession` every call goes through.
        services: the :class:`~agsadmin_core.services.ServicesManager`.
    """

    def __init__(self, session):
        self.session = session
        self.services = ServicesManager(session)

    @classmethod
    def connect(cls, url, username=None, password=None, token=None, portal_url=None,
                verify=True, allow_http=False, timeout=60.0, prompt=True, signin=None,
                http=None, retry=None, sign_in_now=True):
        """Connect to the site at ``url`` (any form an admin pastes) and sign in.

        Credentials, first found wins: ``token``; ``signin`` (a callable giving a host
        application's portal token, e.g. ArcGIS Pro's); ``password``; then the chain of
        :func:`~agsadmin_core.connection.find_password` for ``username`` (environment,
        keyring, prompt). With ``portal_url`` the token comes from that Portal.

        Raises:
            InvalidInput: a bad URL, or credentials over plain http without ``allow_http``.
            AuthenticationFailed: no password found, or the server refused it.
            ConnectionFailed: the site cannot be reached.
        """
        from .session import AdminSession  # imports requests: only when connecting

        urls = parse_server_url(url)
        if token:
            provider = GivenToken(token, referer=urls.site)
        elif signin is not None:
            provider = SigninTokenProvider(signin)
        else:
            if password is None:
                password, _ = find_password(urls.admin, username, prompt=prompt)
            if portal_url:
                provider = PortalTokenProvider(parse_portal_url(portal_url), username,
                                               password)
            else:
                provider = PasswordTokenProvider(username, password)
        ensure_safe_transport(urls, allow_http)
        session = AdminSession(urls, provider, verify=verify, timeout=timeout, http=http,
                               retry=retry)
        server = cls(session)
        if sign_in_now:
            try:
                # Read the admin root now: it proves the token (a given one too) works on
                # the admin API, and its version decides which operations exist.
                server.root()
            except Exception:
                session.close()
                raise
        return server

    @classmethod
    def from_connection_file(cls, path, **overrides):
        """Connect with the settings of a ``*.agsadmin.json`` file; keywords override them."""
        info = ConnectionInfo.load(path)
        return cls.connect_info(info, **overrides)

    @classmethod
    def connect_info(cls, info, **overrides):
        """Connect with a :class:`~agsadmin_core.connection.ConnectionInfo`.

        Raises:
            AuthenticationFailed: the file asks for the ArcGIS Pro sign-in and no ``signin``
                source (nor a token) was given.
        """
        options = dict(username=info.username, portal_url=info.portal_url,
                       verify=info.verify, allow_http=info.allow_http, timeout=info.timeout)
        options.update(overrides)
        if info.auth == AUTH_PRO_SIGNIN and not options.get("signin") and \
                not options.get("token"):
            raise AuthenticationFailed(
                "This connection signs in with the ArcGIS Pro portal sign-in.",
                hint="Use it from ArcGIS Pro while signed in to the portal; elsewhere "
                     "{create_connection}, with a user name.")
        return cls.connect(info.server_url, **options)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.session.close()

    @property
    def url(self):
        """The site URL, e.g. ``https://gis.example.com:6443/arcgis``."""
        return self.session.urls.site

    def root(self):
        """The admin root resource (see :meth:`AdminSession.root`)."""
        return self.session.root()

    @property
    def version(self):
        """The server version as a tuple of ints, e.g. ``(11, 3)``."""
        return self.session.version
