"""The registry of API areas: one line per area, naming its model class and its routes.

Adding an area (logs, uploads, jobs, site backups...) = a ``models/<area>.py``
with a class that has ``area = "<name>"``, ``__init__(site)``, ``populate()``
and ``snapshot()``; a ``routes/<area>.py`` with ``ROUTES``; and one line
below. The model becomes ``site.<name>``; the routes are served and appear
in the generated coverage table, in this order.
"""

from __future__ import absolute_import, unicode_literals

from collections import namedtuple

from .models.backups import BackupsArea
from .models.logs import LogsArea
from .models.services import ServicesArea
from .routes import backups, catalog, logs, services, site
from .models.uploads import UploadsArea
from .models.publishing import PublishingArea
from .routes import uploads as uploads_routes
from .routes import publishing as publishing_routes

Area = namedtuple("Area", "name model routes")

AREAS = [
    Area("site", None, site.ROUTES),  # the model is models.site.Site itself
    Area("services", ServicesArea, services.ROUTES),
    Area("catalog", None, catalog.ROUTES),  # the REST view of the services model
    Area("logs", LogsArea, logs.ROUTES),
    Area("uploads", UploadsArea, uploads_routes.ROUTES),
    Area("publishing", PublishingArea, publishing_routes.ROUTES),  # System/PublishingTools jobs
    Area("backups", BackupsArea, backups.ROUTES),
]


def model_classes():
    """Model classes of every area that has its own (built by ``Site``)."""
    return [a.model for a in AREAS if a.model is not None]


def all_routes():
    """Every route declaration, area by area, in declaration order."""
    routes = []
    for area in AREAS:
        routes.extend(area.routes)
    return routes
