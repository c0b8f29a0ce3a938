"""``arcpy.mapping`` (ArcMap only): nothing to map in tests unless a test injects a document."""
from __future__ import absolute_import

from ._state import STATE
from .mp import NotAvailableInTests


def MapDocument(mxd_path):
    """Return the document a test injected with ``gp.set_project``; otherwise raise."""
    if STATE.mp_project is not None:
        return STATE.mp_project
    raise NotAvailableInTests("arcpy.mapping.MapDocument(%r) is not available in tests; inject "
                              "a fake with tests.stubs.gp.set_project()" % (mxd_path,))
