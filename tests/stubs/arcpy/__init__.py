"""Strict arcpy stand-in for the test suite only: install it with ``tests.stubs.gp.install()``.

It reproduces how ArcGIS Pro 3.x and ArcMap 10.x load and run a Python toolbox, and fails where
they fail (docs/arcpy-stub.md; /work/shared/reference/arcpy-toolbox.md, "Stub checklist").
"""
from __future__ import absolute_import

import sys

if __name__ != "arcpy":  # pragma: no cover - guard against a second copy with its own state
    raise ImportError("the arcpy stub must be imported as 'arcpy' through "
                      "tests.stubs.gp.install(), not as %r" % __name__)

from . import _compat, _runner, _state, _tables  # noqa: E402
from . import conversion, da, management, mapping, mp  # noqa: E402
from ._env import ENV as env, EnvManager  # noqa: E402,F401
from ._errors import ExecuteError, ExecuteWarning  # noqa: E402,F401
from ._messages import (  # noqa: E402,F401
    AddError, AddIDMessage, AddMessage, AddReturnMessage, AddWarning, GetMaxSeverity,
    GetMessage, GetMessageCount, GetMessages, GetSeverity, ResetProgressor, SetProgressor,
    SetProgressorLabel, SetProgressorPosition)
from ._objects import Result, ValueTable  # noqa: E402,F401
from ._parameter import Filter, Parameter, Schema  # noqa: E402,F401
from ._state import STATE as _STATE  # noqa: E402
from ._tables import Field  # noqa: E402,F401

# Flat legacy names used by ArcMap-style code (Stub checklist) -> the same callables.
CreateTable_management = management.CreateTable
AddField_management = management.AddField
GetCount_management = management.GetCount
Delete_management = management.Delete
CopyRows_management = management.CopyRows
CreateFileGDB_management = management.CreateFileGDB

_MODE_ONLY = {"pro": {"EnvManager": EnvManager, "mp": mp},
              "arcmap": {"mapping": mapping}}


# -- toolboxes ------------------------------------------------------------------------------
def ImportToolbox(input_file, module_name=None):
    """Load a .pyt; bind ``arcpy.<alias>.<Tool>`` and ``arcpy.<Tool>_<alias>`` (5.2 [R29])."""
    _STATE.checkpoint()
    return _runner.import_toolbox(sys.modules[__name__], input_file, module_name)


AddToolbox = ImportToolbox


# -- parameters of the running tool (script-tool functions, section 2.5 [R25][R50]) --------
def _param(index):
    run = _STATE.current_run
    if run is None:
        raise RuntimeError("no tool is running: GetParameter*/SetParameter* only work inside "
                           "execute")
    if _compat.is_text(index):
        if not _STATE.is_pro:
            raise TypeError("ArcMap takes a parameter index, not a name (section 2.5 [R50])")
        for param in run.parameters:
            if param.name == index:
                return param
        raise RuntimeError("no parameter named %r" % (index,))
    if isinstance(index, bool) or not isinstance(index, _compat.integer_types):
        raise TypeError("parameter index must be an integer")
    return run.parameters[index]


def GetParameter(index):
    _STATE.checkpoint()
    return _param(index).value


def GetParameterAsText(index):
    _STATE.checkpoint()
    text = _param(index).valueAsText
    return u"" if text is None else text


def SetParameter(index, value):
    _STATE.checkpoint()
    _param(index).value = value


def SetParameterAsText(index, text):
    _STATE.checkpoint()
    if not _compat.is_text(text):
        raise TypeError("SetParameterAsText takes text (e.g. 'true'/'false' for a Boolean)")
    _param(index).value = text


def GetParameterInfo(tool_name=None):
    _STATE.checkpoint()
    if tool_name is not None:
        raise NotImplementedError("the arcpy stub only returns the running tool's parameters")
    run = _STATE.current_run
    if run is None:
        raise RuntimeError("no tool is running")
    return list(run.parameters)


def GetArgumentCount():
    _STATE.checkpoint()
    run = _STATE.current_run
    return 0 if run is None else len(run.parameters)


# -- data -----------------------------------------------------------------------------------
def Exists(dataset):
    _STATE.checkpoint()
    return _tables.exists(dataset)


def Describe(value, data_type=None):
    _STATE.checkpoint()
    return _tables.describe(value, data_type)


def ListFields(dataset, wild_card=None, field_type=None):
    _STATE.checkpoint()
    return _tables.list_fields(dataset, wild_card, field_type)


def ValidateTableName(name, workspace=None):
    _STATE.checkpoint()
    return _tables.validate_name(name, u"T")


def ValidateFieldName(name, workspace=None):
    _STATE.checkpoint()
    return _tables.validate_name(name, u"F")


def CreateUniqueName(base_name, workspace=None):
    _STATE.checkpoint()
    return _tables.create_unique_name(base_name, workspace)


# -- application ----------------------------------------------------------------------------
def GetInstallInfo(product=None):
    """Product of the emulated application; test ``ProductName``, not the Python version."""
    _STATE.checkpoint()
    return dict(_state.INSTALL_INFO[_STATE.mode])


def GetSigninToken():
    """The portal sign-in a test set with ``gp.sign_in``; None when nobody is signed in."""
    _STATE.checkpoint()
    return None if _STATE.signin is None else dict(_STATE.signin)


def GetActivePortalURL():
    _STATE.checkpoint()
    return _STATE.portal_url


def SetLogHistory(log_history):
    """Whether *nested* tool calls go to history; the tool's own run is always recorded
    (section 9, unconfirmed)."""
    _STATE.checkpoint()
    _STATE.log_history = bool(log_history)


def GetLogHistory():
    return _STATE.log_history


def SetLogMetadata(log_metadata):
    _STATE.checkpoint()
    _STATE.log_metadata = bool(log_metadata)


def GetLogMetadata():
    return _STATE.log_metadata


def ResetEnvironments():
    env.reset()


def ClearEnvironment(environment_name):
    from ._env import _DEFAULTS
    getattr(env, environment_name)   # unknown names raise
    env._values[environment_name] = _DEFAULTS.get(environment_name)


def _not_emulated(name):
    def function(*args, **kwargs):
        raise NotImplementedError("arcpy.%s exists in ArcGIS but is not emulated by the test "
                                  "stub; extend tests/stubs/arcpy if the toolbox needs it" % name)
    function.__name__ = name
    return function


# Real arcpy names the stub does not emulate: calling one says so instead of an AttributeError
# that would suggest the name does not exist at all.
for _name in ("ListTables", "ListFeatureClasses", "ListDatasets", "ListWorkspaces", "ListFiles",
              "ListRasters", "ListTools", "ListToolboxes", "ListEnvironments", "SearchCursor",
              "UpdateCursor", "InsertCursor", "CreateScratchName", "TestSchemaLock",
              "AddFieldDelimiters", "CopyParameter", "SetParameterSymbology", "GetIDMessage",
              "CheckProduct", "ProductInfo", "CheckOutExtension", "CheckInExtension",
              "CheckExtension", "SignInToPortal", "ListPortalURLs", "GetPortalInfo",
              "GetPortalDescription", "RemoveToolbox", "GetSystemEnvironment", "EncryptPYT",
              "DecryptPYT", "CreateGPSDDraft", "ListDataStoreItems", "AddDataStoreItem",
              "ValidateDataStoreItem", "RemoveDataStoreItem", "SpatialReference", "Point",
              "Polyline", "Polygon", "Geometry", "Extent", "FieldMappings", "FieldMap",
              "Usage", "Command", "GetAllMessages", "GetReturnCode", "SetSeverityLevel",
              "GetSeverityLevel"):
    globals()[_name] = _not_emulated(_name)
del _name


def _reset(mode, arcmap_gpstringhidden=True):
    """Fresh state for ``gp.install`` (stub-internal)."""
    package = sys.modules[__name__]
    for name in _STATE.bound_names:
        if hasattr(package, name):
            delattr(package, name)
    for name in _STATE.loaded_modules:
        sys.modules.pop(name, None)
    _STATE.reset(mode, arcmap_gpstringhidden)
    env.reset()
    _tables.STORE.clear()
    family = "pro" if mode == "pro" else "arcmap"
    for owner, names in _MODE_ONLY.items():
        for name, value in names.items():
            full = "%s.%s" % (__name__, name)
            if owner == family:
                setattr(package, name, value)
                if isinstance(value, type(sys)):
                    sys.modules[full] = value
            else:
                if hasattr(package, name):
                    delattr(package, name)
                if isinstance(value, type(sys)):
                    # None in sys.modules makes "import arcpy.mp" fail in ArcMap mode (and
                    # "import arcpy.mapping" in Pro mode), as it does in the real products.
                    sys.modules[full] = None


_reset("pro")   # the package also works on its own (PYTHONPATH=tests/stubs): Pro mode
