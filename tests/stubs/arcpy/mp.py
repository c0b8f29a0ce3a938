"""``arcpy.mp`` (Pro only): nothing to map in tests unless a test injects a project."""
from __future__ import absolute_import

from ._state import STATE


class NotAvailableInTests(RuntimeError):
    """arcpy.mp needs a running ArcGIS Pro; the stub has none (Stub checklist)."""


def ArcGISProject(aprx_path):
    """Return the project a test injected with ``gp.set_project``; otherwise raise."""
    if STATE.mp_project is not None:
        return STATE.mp_project
    raise NotAvailableInTests("arcpy.mp.ArcGISProject(%r) is not available in tests; inject a "
                              "fake with tests.stubs.gp.set_project()" % (aprx_path,))
