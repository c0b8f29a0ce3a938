"""AGSAdmin core: administer ArcGIS Server through its Administrator REST API.

    from agsadmin_core import Server
    server = Server.connect("https://gis.example.com:6443/arcgis", username="siteadmin")
    with server.services.paused(["Maps/*"], journal="nightly.journal.json"):
        run_data_load()

Importing the package is cheap: ``requests`` is imported when a connection is made and
``keyring`` when a password is looked up, so the toolbox can draw its dialogs without them.
"""

import logging

from .version import __version__  # noqa: F401

from .errors import AdminError, AdminLockBusy, AuthenticationFailed, BatchFailed, \
    Cancelled, ConnectionFailed, InvalidInput, NotFound, NotJSON, RequestTimeout, \
    ServerError, TLSError, TokenRejected  # noqa: E402
from .journal import Journal  # noqa: E402
from .reporter import Reporter  # noqa: E402
from .server import Server  # noqa: E402
from .batch import BatchOptions  # noqa: E402
from .results import BatchResult, ServiceResult  # noqa: E402
from .services import ServiceInfo  # noqa: E402

# A library never configures logging; it only makes sure it is silent by default.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["Server", "Reporter", "Journal", "ServiceInfo", "ServiceResult", "BatchResult",
           "BatchOptions", "AdminError",
           "AdminLockBusy", "AuthenticationFailed", "BatchFailed", "Cancelled",
           "ConnectionFailed", "InvalidInput", "NotFound", "NotJSON", "RequestTimeout",
           "ServerError", "TLSError", "TokenRejected"]
