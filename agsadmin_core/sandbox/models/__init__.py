"""Per-area models of the emulated site: state and rules only, no HTTP (moto's ``models.py``).

``site`` holds the clock, release, users and tokens and is the root that
every other area's model hangs from; ``services`` holds folders and services.
Later areas (logs, uploads, jobs, site backups) add one module here, one in
``routes/`` and one line in ``areas.py``.
"""

from __future__ import absolute_import, unicode_literals

from .services import STARTED, STOPPED, Folder, Service, ServicesArea
from .site import DEMO_PASSWORD, DEMO_USER, Clock, Site, Token, Version

__all__ = ["DEMO_PASSWORD", "DEMO_USER", "STARTED", "STOPPED", "Clock", "Folder", "Service",
           "ServicesArea", "Site", "Token", "Version"]
