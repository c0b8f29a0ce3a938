"""Server: the entry point of the public API, one object per site connection.

``Server.connect(url, username=...)`` or ``Server.from_connection_file(path)`` signs in and
gives ``server.services`` (and, as later resources arrive, ``server.site``, ``server.logs``
...). The HTTP machinery (``session.py``, which imports ``requests``) is imported only here,
when a connection is made, so importing the package stays cheap for the toolbox.
"""

from .connect import open_server
from .connection import ConnectionInfo
from .logs import LogsManager
from .services import ServicesManager
from .uploads import UploadsManager
from .site import SiteManager


class Server(object):
    """A signed-in connection to one ArcGIS Server site.

    Attributes:
        session: the :class:`~agsadmin_core.session.AdminSession` every call goes through.
        services: the :class:`~agsadmin_core.services.ServicesManager`.
        site: the :class:`~agsadmin_core.site.SiteManager` (backup and restore).
        logs: the :class:`~agsadmin_core.logs.LogsManager` (``query``, ``follow``,
            ``settings``, ``set_settings``, ``clean``).
    """

    def __init__(self, session):
        self.session = session
        self.services = ServicesManager(session)
        self.uploads = UploadsManager(session)
        self.site = SiteManager(session)
        self.logs = LogsManager(session, resolve_services=self._service_names,
                                version=lambda: session.version)

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

    def _service_names(self, patterns):
        """``Folder/Name.Type`` of every service (System and Hosted included) matching the
        patterns, for the logs' ``services`` filter."""
        return [info.ref for info in self.services.list(patterns=patterns,
                                                        include_protected=True)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.session.close()

    def publish_sd(self, path, folder=None, service_name=None, overwrite=False, start=True,
                   part_size=None, reporter=None, timeout=None, description=None):
        """Publish the service definition ``path`` and return a
        :class:`~agsadmin_core.publishing.PublishResult` (the service and its REST URL).

        The file is checked first (exists, 7-Zip, has a service configuration), uploaded
        (in parts of ``part_size`` bytes when given or when above 50 MB), its configuration
        read back and given ``folder`` (created when missing) and ``service_name``; an
        existing service of that name is refused unless ``overwrite`` (then it is stopped,
        replaced, and started again if publishing fails). The
        ``System/PublishingTools`` job is followed to its end with its messages and progress
        on ``reporter``; ``start=False`` leaves the new service stopped. The uploaded item
        is deleted afterwards, also on failure.

        Raises:
            InvalidInput: not an ``.sd``, a bad name (nothing was sent).
            ServiceExists: the service exists and ``overwrite`` is False.
            PublishingUnavailable: PublishingTools is stopped or has no free instance.
            PublishFailed: the job ended without a service; ``messages`` has all of its.
            Cancelled: ``reporter.cancelled()`` said so (upload stopped or job cancelled).
        """
        from .publishing import JOB_TIMEOUT, Publisher
        publisher = Publisher(self.session, self.services, self.uploads, reporter)
        return publisher.publish(path, folder=folder, service_name=service_name,
                                 overwrite=overwrite, start=start, part_size=part_size,
                                 timeout=timeout or JOB_TIMEOUT, description=description)

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
