"""Server: the entry point of the public API, one object per site connection.

``Server.connect(url, username=...)`` or ``Server.from_connection_file(path)`` signs in and
gives ``server.services`` (and, as later resources arrive, ``server.site``, ``server.logs``
...). The HTTP machinery (``session.py``, which imports ``requests``) is imported only here,
when a connection is made, so importing the package stays cheap for the toolbox.
"""

from .connect import open_server
from .connection import ConnectionInfo
from .services import ServicesManager


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
        keyring, prompt). With ``portal_url`` the token comes from that Portal. See
        :func:`~agsadmin_core.connect.open_server`.

        Raises:
            InvalidInput: a bad URL, or credentials over plain http without ``allow_http``.
            AuthenticationFailed: no password found, or the server refused it.
            ConnectionFailed: the site cannot be reached.
        """
        info = ConnectionInfo(url, username=username, portal_url=portal_url, verify=verify,
                              allow_http=allow_http, timeout=timeout)
        return open_server(info, signin=signin, password=password, token=token,
                           prompt=prompt, retry=retry, http=http, sign_in_now=sign_in_now)

    @classmethod
    def from_connection_file(cls, path, **overrides):
        """Connect with the settings of a ``*.agsadmin.json`` file. Keywords are those of
        :func:`~agsadmin_core.connect.open_server` (``signin``, ``password``, ``token``,
        ``prompt``, ``retry``)."""
        return open_server(ConnectionInfo.load(path), **overrides)

    @classmethod
    def connect_info(cls, info, **overrides):
        """Connect with a :class:`~agsadmin_core.connection.ConnectionInfo` (see
        :func:`~agsadmin_core.connect.open_server`)."""
        return open_server(info, **overrides)

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
