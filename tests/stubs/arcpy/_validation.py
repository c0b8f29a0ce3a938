"""The framework's side of validation: definition checks, internal validation, one pass."""
from __future__ import absolute_import

import os
import time

from . import _compat, _datatypes, _tables
from ._env import ENV
from ._errors import ToolboxLoadError
from ._parameter import Parameter, valid_name
from ._state import STATE

_clock = getattr(time, "perf_counter", time.time)


# -- definitions (what makes a tool show as broken, section 1.5) ---------------------------
def check_definitions(params, tool_name):
    """Raise ToolboxLoadError for a parameter list ArcGIS would refuse to show."""
    if params is None:
        params = []
    if not isinstance(params, list):
        raise ToolboxLoadError("%s.getParameterInfo must return a list of arcpy.Parameter, not "
                               "%s" % (tool_name, type(params).__name__), tool=tool_name)
    seen = {}
    for index, param in enumerate(params):
        where = "%s parameter %d" % (tool_name, index)
        if not isinstance(param, Parameter):
            raise ToolboxLoadError("%s is %r, not an arcpy.Parameter" % (where, param),
                                   tool=tool_name)
        d = param._d
        # Names become Python keyword arguments of the tool function (section 5.2).
        if not _compat.is_text(d["name"]) or not valid_name(d["name"]):
            raise ToolboxLoadError("%s: name %r is not an identifier" % (where, d["name"]),
                                   tool=tool_name)
        where = "%s parameter %r" % (tool_name, d["name"])
        if d["name"].lower() in seen:
            raise ToolboxLoadError("%s: the name is used twice" % where, tool=tool_name)
        seen[d["name"].lower()] = param
        for attribute in ("displayName", "direction", "datatype", "parameterType"):
            if d[attribute] is None:
                extra = "" if STATE.is_pro else " (ArcMap has no default for it, section 2.1)"
                raise ToolboxLoadError("%s: %s is not set%s" % (where, attribute, extra),
                                       tool=tool_name)
        if d["parameterType"] == "Derived" and d["direction"] != "Output":
            raise ToolboxLoadError("%s: a Derived parameter must have direction 'Output' "
                                   "(section 2.1 [R10])" % where, tool=tool_name)
        if d["datatype"] == "GPValueTable" and not d["columns"]:
            raise ToolboxLoadError("%s: a GPValueTable needs columns" % where, tool=tool_name)
        if d["defaultEnvironmentName"] is not None:
            try:
                default = getattr(ENV, d["defaultEnvironmentName"])
            except AttributeError as exc:
                raise ToolboxLoadError("%s: defaultEnvironmentName: %s" % (where, exc),
                                       tool=tool_name)
            if d["value"] is None and default is not None:
                d["value"] = param._coerce(default)
    for param in params:
        for dependency in param._d["parameterDependencies"]:
            if dependency.lower() not in seen:
                raise ToolboxLoadError("%s parameter %r depends on unknown parameter %r (use "
                                       "the other parameter's name)" % (
                                           tool_name, param._d["name"], dependency),
                                       tool=tool_name)
    return params


# -- internal validation (between updateParameters and updateMessages, section 1.2) ---------
def _items(param):
    stored = param._d["value"]
    if stored is None:
        return []
    if param._d["datatype"] == "GPValueTable":
        return []
    return list(stored) if param._d["multiValue"] else [stored]


def _error(param, code, text):
    param._set_message(2, u"ERROR %06d: %s" % (code, text))


def _workspace_type(path):
    lowered = path.lower().rstrip("\\/")
    if lowered.endswith(".sde"):
        return "RemoteDatabase"
    if lowered.endswith((".gdb", ".mdb", ".sqlite", ".gpkg")):
        return "LocalDatabase"
    return "FileSystem"


def _check_filter(param):
    f = param._d["filter"]
    if not f.list:
        return
    keywords = param._bool_keywords()
    for item in _items(param):
        text = _datatypes.to_text(item, keywords)
        if f.type == "ValueList" and param._d["datatype"] != "GPBoolean":
            allowed = [x.value if isinstance(x, _datatypes.GPValue) else x for x in f.list]
            probe = item.value if isinstance(item, _datatypes.GPValue) else item
            if probe not in allowed:
                _error(param, 800, u"The value is not a member of %s." % u" | ".join(
                    _compat.to_text(x) for x in f.list))
                return
        elif f.type == "Range":
            number = float(text.split()[0])
            low, high = [float(_compat.to_text(b).split()[0]) for b in f.list]
            if not low <= number <= high:
                _error(param, 854, u"The value is out of the range from %s to %s."
                       % (_compat.to_text(f.list[0]), _compat.to_text(f.list[1])))
                return
        elif f.type == "File":
            # Suffixes compare without the dot and case-insensitively (Stub checklist; public
            # toolboxes write ["csv"], section 2.3 [R59]).
            suffix = os.path.splitext(text)[1].lstrip(".").lower()
            allowed = [s.strip().lstrip(".").lower() for s in f.list]
            if suffix not in allowed:
                _error(param, 814, u"Invalid file type (expected %s): %s"
                       % (u", ".join(allowed), text))
                return
        elif f.type == "Workspace":
            if _workspace_type(text) not in f.list:
                _error(param, 800, u"The value is not a member of %s." % u" | ".join(f.list))
                return
        # Field and FeatureClass filters need real schemas: not checked by the stub.


def _exists(datatype, text):
    if datatype in _datatypes.FILE_TYPES:
        return os.path.isfile(text)
    if datatype in _datatypes.FOLDER_TYPES:
        return os.path.isdir(text)
    if datatype in _datatypes.WORKSPACE_TYPES:
        return _tables.workspace_kind(text) is not None
    if datatype in _datatypes.TABLE_TYPES:
        return _tables.exists(text)
    return True   # other dataset types are not modelled: assume they exist


def internal_validate(params):
    """What geoprocessing checks on its own (sections 1.2, 2.3 [R14]).

    Messages from the previous pass are cleared first; then: a Required, non-Derived
    parameter needs a value (ERROR 000735), text that did not convert is reported
    (ERROR 000628), filters are applied, inputs of file/folder/table/workspace types must exist
    (ERROR 000732) and Required/Optional outputs must not exist unless
    ``arcpy.env.overwriteOutput`` (ERROR 000258). Disabled parameters are validated too: Pro
    hides them but their errors still stop the tool (section 5.1 [R62]).
    """
    for param in params:
        d = param._d
        param.clearMessage()
        if d["parameterType"] == "Derived":
            continue
        if d["raw_error"] is not None:
            _error(param, 628, u"Cannot set input into parameter %s: %s"
                   % (d["name"], d["raw_error"][1]))
            continue
        if d["value"] is None:
            if d["parameterType"] == "Required":
                _error(param, 735, u"Value is required")
            continue
        _check_filter(param)
        if param.hasError() or d["derived_input"]:
            continue
        datatype = d["datatype"]
        if isinstance(datatype, list):
            continue
        for item in _items(param):
            text = _datatypes.to_text(item)
            if d["direction"] == "Input" and not _exists(datatype, text):
                _error(param, 732, u"Dataset %s does not exist or is not supported" % text)
                break
            if d["direction"] == "Output" and datatype not in _datatypes.FOLDER_TYPES and \
                    datatype not in _datatypes.WORKSPACE_TYPES and \
                    (datatype in _datatypes.FILE_TYPES or datatype in _datatypes.TABLE_TYPES) \
                    and _tables.exists(text) and not ENV._get("overwriteOutput"):
                _error(param, 258, u"Output %s already exists" % text)
                break


# -- one validation pass ---------------------------------------------------------------------
def _call_hook(tool, tool_name, method, params):
    """Call updateParameters/updateMessages with the definition lock on; time it."""
    hook = getattr(tool, method, None)
    if hook is None:
        return None
    STATE.validating = method
    start = _clock()
    try:
        hook(params)
    except Exception:
        return u"%s raised an exception:\n%s" % (method, _compat.to_text(
            _compat.tool_traceback_text()))
    finally:
        STATE.validating = None
        STATE.add_timing(tool_name, method, _clock() - start)
    return None


def validation_pass(tool, tool_name, params):
    """updateParameters -> internal validation -> updateMessages, then mark validated.

    An exception from either method shows as an error on the first parameter, which is how
    ArcMap reports a failing ToolValidator (section 1.5 [R44]). Returns the exception texts.
    """
    failures = []
    failure = _call_hook(tool, tool_name, "updateParameters", params)
    if failure:
        failures.append(failure)
    start = _clock()
    internal_validate(params)
    STATE.add_timing(tool_name, "internal", _clock() - start)
    failure = _call_hook(tool, tool_name, "updateMessages", params)
    if failure:
        failures.append(failure)
    if failures and params:
        params[0]._set_message(2, u"\n".join(failures))
    for param in params:
        param._d["validated"] = True
    return failures


def snapshot(params):
    """What a user could see change between two passes with no edit in between."""
    shot = []
    for param in params:
        d = param._d
        shot.append((d["name"], param._value_as_text(), d["severity"], d["message"],
                     d["enabled"], d["filter"].type, list(d["filter"].list), d["category"]))
    return shot
