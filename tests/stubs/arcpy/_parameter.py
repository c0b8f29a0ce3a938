"""``arcpy.Parameter``, its ``Filter`` and ``Schema``: strict, mode-aware (reference section 2)."""
from __future__ import absolute_import

import difflib
import re

from . import _compat, _datatypes
from ._state import STATE

DIRECTIONS = ("Input", "Output")
PARAMETER_TYPES = ("Required", "Optional", "Derived")
FILTER_TYPES = ("ValueList", "Range", "FeatureClass", "File", "Field", "Workspace")
# Allowed filter.list members for the keyword-list filters (section 2.3 [R14]).
FILTER_KEYWORDS = {
    "FeatureClass": ("Point", "Multipoint", "Polyline", "Polygon", "MultiPatch", "Annotation",
                     "Dimension"),
    "Field": ("Short", "Long", "Single", "Double", "Text", "Date", "OID", "Geometry", "Blob",
              "Raster", "GUID", "GlobalID", "XML", "BigInteger", "DateOnly", "TimeOnly",
              "TimestampOffset"),
    "Workspace": ("FileSystem", "LocalDatabase", "RemoteDatabase"),
}
_SCHEMA_FIELDS = ("clone", "type", "featureTypeRule", "featureType", "geometryTypeRule",
                  "geometryType", "extentRule", "extent", "fieldsRule", "additionalFields",
                  "cellSizeRule", "cellSize", "rasterRule", "rasterFormatRule",
                  "additionalChildren")


class Filter(object):
    """``param.filter``: ``type`` and ``list``; checked by the runner's internal validation."""

    __slots__ = ("_datatype", "_type", "_list")

    def __init__(self, datatype):
        object.__setattr__(self, "_datatype", datatype)
        default = None
        if not isinstance(datatype, list):
            default = _datatypes.DEFAULT_FILTER.get(datatype)
        object.__setattr__(self, "_type", default)
        object.__setattr__(self, "_list", [])

    @property
    def type(self):
        return self._type

    @property
    def list(self):
        return self._list

    def __setattr__(self, name, value):
        if name == "type":
            self._set_type(value)
        elif name == "list":
            self._set_list(value)
        else:
            raise AttributeError("'Filter' object has no attribute %r" % name)

    def _set_type(self, value):
        if value not in FILTER_TYPES:
            raise ValueError("filter.type must be one of %s, not %r" % (FILTER_TYPES, value))
        if value == self._type:
            return
        # Only Long/Double (and unit) filters may change type; ArcGIS ignores the assignment
        # for the others (section 2.3 [R14]). Ignoring it would hide a wrong expectation in
        # the toolbox, so the stub refuses it.
        if self._datatype not in _datatypes.SWITCHABLE_FILTER or value not in ("ValueList",
                                                                                "Range"):
            raise ValueError("the filter type of a %s parameter is fixed to %r; setting %r has "
                             "no effect in ArcGIS (section 2.3)" % (self._datatype, self._type,
                                                                    value))
        object.__setattr__(self, "_type", value)
        object.__setattr__(self, "_list", [])

    def _set_list(self, value):
        if not isinstance(value, list):
            raise ValueError("filter.list must be a list, not %s" % type(value).__name__)
        if self._type is None and value:
            raise ValueError("a %s parameter has no filter to fill (section 2.3)"
                             % (self._datatype,))
        if self._type == "Range" and value:
            if len(value) != 2:
                raise ValueError("a Range filter list is [minimum, maximum], got %r" % (value,))
            if self._datatype in ("GPLong", "GPDouble"):
                for bound in value:
                    if isinstance(bound, bool) or not isinstance(
                            bound, _compat.integer_types + (float,)):
                        raise ValueError("Range bounds must be numbers, got %r" % (bound,))
                if value[0] > value[1]:
                    raise ValueError("Range minimum %r is above maximum %r" % tuple(value))
        if self._type in FILTER_KEYWORDS:
            allowed = FILTER_KEYWORDS[self._type]
            for item in value:
                if item not in allowed:
                    raise ValueError("%r is not a %s filter keyword; use one of %s"
                                     % (item, self._type, ", ".join(allowed)))
        if self._type == "File":
            for item in value:
                if not _compat.is_text(item) or not item.strip(". "):
                    raise ValueError("File filter items are suffixes such as 'csv', got %r"
                                     % (item,))
        if self._type == "ValueList" and self._datatype == "GPBoolean" and value:
            if len(value) != 2:
                raise ValueError("a Boolean ValueList holds the [true, false] keywords")
        object.__setattr__(self, "_list", list(value))

    def __repr__(self):
        return "<Filter type=%r list=%r>" % (self._type, self._list)


class Schema(object):
    """``param.schema``: plain attributes describing a derived output (section 2.5 [R27])."""

    __slots__ = _SCHEMA_FIELDS

    def __init__(self):
        for name in _SCHEMA_FIELDS:
            setattr(self, name, None)
        self.clone = False
        self.additionalFields = []


# Attribute tables. Reading or writing any other name raises AttributeError: ArcGIS's own
# ToolValidator debugging page uses ``params[0].Value`` as its example runtime error
# (section 2.2 [R44]).
_READ_WRITE = ("name", "displayName", "direction", "datatype", "parameterType", "enabled",
               "category", "symbology", "multiValue", "value", "values", "filter", "columns",
               "parameterDependencies", "schema", "defaultEnvironmentName", "controlCLSID",
               "displayOrder", "charts", "filters")
_READ_ONLY = ("valueAsText", "altered", "hasBeenValidated", "message")
# Documented for Pro only (section 7 table): absent in the ArcMap modes.
_PRO_ONLY = ("displayOrder", "charts", "filters")
# "Cannot be changed in updateParameters/updateMessages" (section 2.2 [R11]).
LOCKED_DURING_VALIDATION = ("category", "controlCLSID", "datatype", "direction", "displayName",
                            "displayOrder", "multiValue", "name", "parameterDependencies",
                            "parameterType")
_ALL = _READ_WRITE + _READ_ONLY


class Parameter(object):
    """``arcpy.Parameter``: Pro defaults in "pro" mode, all-None defaults in ArcMap modes."""

    __slots__ = ("_d",)

    def __init__(self, name=None, displayName=None, direction=None, datatype=None,
                 parameterType=None, enabled=None, category=None, symbology=None,
                 multiValue=None):
        d = {
            "name": None, "displayName": None, "direction": None, "datatype": None,
            "parameterType": None, "enabled": None, "category": None, "symbology": None,
            "multiValue": None, "value": None, "raw_error": None, "filter": Filter(None),
            "columns": [], "parameterDependencies": [], "schema": Schema(),
            "defaultEnvironmentName": None, "controlCLSID": None, "displayOrder": None,
            "charts": None, "filters": [], "altered": False, "validated": False,
            "severity": 0, "message": u"", "derived_input": False,
        }
        object.__setattr__(self, "_d", d)
        if STATE.is_pro:
            # Pro defaults (section 2.1 [R11]); ArcMap leaves every one None [R12].
            direction = "Input" if direction is None else direction
            datatype = "GPString" if datatype is None else datatype
            parameterType = "Required" if parameterType is None else parameterType
            enabled = True if enabled is None else enabled
            multiValue = False if multiValue is None else multiValue
        for key, value in (("name", name), ("displayName", displayName),
                           ("direction", direction), ("datatype", datatype),
                           ("parameterType", parameterType), ("enabled", enabled),
                           ("category", category), ("symbology", symbology),
                           ("multiValue", multiValue)):
            if value is not None:
                # Straight to the setter: the validation lock is about changing an existing
                # parameter, not about building a new one.
                getattr(self, "_set_" + key, self._set_plain)(value, key)

    # -- strict attribute access ------------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("__") or name not in _ALL:
            raise AttributeError(_no_attribute(name))
        if name in _PRO_ONLY and not STATE.is_pro:
            raise AttributeError("'Parameter' object has no attribute %r (ArcGIS Pro only)"
                                 % name)
        d = self._d
        if name == "value":
            return self._get_value()
        if name == "values":
            return self._get_values()
        if name == "valueAsText":
            return self._value_as_text()
        if name == "hasBeenValidated":
            return d["validated"]
        return d[name]

    def __setattr__(self, name, value):
        if name not in _ALL:
            raise AttributeError(_no_attribute(name))
        if name in _READ_ONLY:
            raise AttributeError("attribute %r of 'Parameter' objects is not writable" % name)
        if name in _PRO_ONLY and not STATE.is_pro:
            raise AttributeError("'Parameter' object has no attribute %r (ArcGIS Pro only)"
                                 % name)
        if STATE.validating and name in LOCKED_DURING_VALIDATION:
            raise RuntimeError("Parameter.%s cannot be changed in %s: it is part of the tool's "
                               "definition (section 2.2 [R11])" % (name, STATE.validating))
        getattr(self, "_set_" + name, self._set_plain)(value, name)

    def __delattr__(self, name):
        raise AttributeError("Parameter attributes cannot be deleted")

    def __repr__(self):
        return "<Parameter %s (%s) = %r>" % (self._d["name"], self._d["datatype"],
                                            self._value_as_text())

    # -- setters ----------------------------------------------------------------------------
    def _set_plain(self, value, name):
        if name in ("category", "symbology", "defaultEnvironmentName", "controlCLSID"):
            if value is not None and not _compat.is_text(value):
                raise ValueError("Parameter.%s must be text, not %r" % (name, value))
        self._d[name] = value

    def _set_name(self, value, name):
        if not _compat.is_text(value):
            raise ValueError("Parameter.name must be text, not %r" % (value,))
        self._d["name"] = value

    def _set_displayName(self, value, name):
        if not _compat.is_text(value):
            raise ValueError("Parameter.displayName must be text, not %r" % (value,))
        self._d["displayName"] = value

    def _set_direction(self, value, name):
        if value not in DIRECTIONS:
            raise ValueError("Parameter.direction must be 'Input' or 'Output', not %r" % (value,))
        self._d["direction"] = value

    def _set_parameterType(self, value, name):
        if value not in PARAMETER_TYPES:
            raise ValueError("Parameter.parameterType must be one of %s, not %r"
                             % (", ".join(PARAMETER_TYPES), value))
        self._d["parameterType"] = value

    def _set_datatype(self, value, name):
        checked = _datatypes.check_keyword(value, STATE.mode, STATE.arcmap_gpstringhidden)
        self._d["datatype"] = checked
        self._d["filter"] = Filter(checked)   # a filter exists for every parameter (2.3)
        self._d["value"] = None

    def _set_enabled(self, value, name):
        if not isinstance(value, bool):
            raise ValueError("Parameter.enabled must be True or False, not %r" % (value,))
        self._d["enabled"] = value

    def _set_multiValue(self, value, name):
        if not isinstance(value, bool):
            raise ValueError("Parameter.multiValue must be True or False, not %r" % (value,))
        self._d["multiValue"] = value
        self._d["value"] = None

    def _set_filter(self, value, name):
        if not isinstance(value, Filter):
            raise ValueError("Parameter.filter takes a Filter object")
        self._d["filter"] = value

    def _set_schema(self, value, name):
        if not isinstance(value, Schema):
            raise ValueError("Parameter.schema takes a Schema object")
        self._d["schema"] = value

    def _set_parameterDependencies(self, value, name):
        if not isinstance(value, list) or not all(_compat.is_text(v) for v in value):
            raise ValueError("parameterDependencies is a list of parameter *names* (section 2.2 "
                             "[R53]), got %r" % (value,))
        self._d["parameterDependencies"] = list(value)

    def _set_columns(self, value, name):
        if self._d["datatype"] != "GPValueTable":
            raise ValueError("columns only apply to a GPValueTable parameter")
        if not isinstance(value, list):
            raise ValueError("columns is a list of [datatype, name] lists")
        filters = []
        for column in value:
            ok_len = (2, 3) if STATE.is_pro else (2,)
            if not isinstance(column, (list, tuple)) or len(column) not in ok_len:
                raise ValueError("each column is [datatype, name]%s, got %r" % (
                    " or [datatype, name, 'ReadOnly'] (Pro)" if STATE.is_pro else "", column))
            _datatypes.check_keyword(column[0], STATE.mode, STATE.arcmap_gpstringhidden)
            if len(column) == 3 and column[2] != "ReadOnly":
                raise ValueError("the optional third column item is 'ReadOnly', got %r"
                                 % (column[2],))
            filters.append(Filter(column[0]))
        self._d["columns"] = [list(c) for c in value]
        self._d["filters"] = filters

    def _set_displayOrder(self, value, name):
        if value is not None and (isinstance(value, bool) or
                                  not isinstance(value, _compat.integer_types)):
            raise ValueError("displayOrder must be an integer")
        self._d["displayOrder"] = value

    def _set_charts(self, value, name):
        self._d["charts"] = value

    def _set_filters(self, value, name):
        if not isinstance(value, list) or not all(isinstance(f, Filter) for f in value):
            raise ValueError("filters is a list of Filter objects")
        self._d["filters"] = list(value)

    def _set_value(self, value, name):
        # The toolbox assigning a value (updateParameters, execute): a wrong type raises at
        # once. Values typed by the "user" go through _edit, which defers errors to validation.
        self._d["value"] = self._coerce(value)
        self._d["raw_error"] = None

    def _set_values(self, value, name):
        if not (self._is_multi() or self._d["datatype"] == "GPValueTable"):
            raise ValueError("values applies to multivalue and value table parameters only")
        if value is not None and not isinstance(value, list):
            raise ValueError("values takes a list")
        self._set_value(value, "value")

    # -- value model ------------------------------------------------------------------------
    def _is_multi(self):
        return bool(self._d["multiValue"])

    def _bool_keywords(self):
        f = self._d["filter"]
        if self._d["datatype"] == "GPBoolean" and f.type == "ValueList" and f.list:
            return f.list
        return None

    def _coerce(self, value):
        """Turn an input into the stored form; raise ValueError on a bad value."""
        datatype = self._d["datatype"]
        if datatype is None:
            raise ValueError("the parameter has no datatype")
        if _datatypes.is_empty(value):
            return None
        if datatype == "GPValueTable":
            return self._coerce_table(value)
        if self._is_multi():
            from ._objects import ValueTable
            if isinstance(value, ValueTable):
                items = [row[0] for row in value._rows]
            elif _compat.is_text(value):
                items = _datatypes.split_multivalue(_compat.to_text(value))
            elif isinstance(value, (list, tuple)):
                items = list(value)
            else:
                raise ValueError("a multivalue parameter takes a list or 'a;b' text")
            out = [_datatypes.coerce(datatype, v, self._bool_keywords())
                   for v in items if not _datatypes.is_empty(v)]
            return out or None
        if isinstance(value, (list, tuple)):
            raise ValueError("a list was given to a parameter that is not multiValue")
        return _datatypes.coerce(datatype, value, self._bool_keywords())

    def _coerce_table(self, value):
        from ._objects import ValueTable
        columns = self._d["columns"]
        if not columns:
            raise ValueError("a GPValueTable parameter needs columns before it takes values")
        if isinstance(value, ValueTable):
            rows = [list(r) for r in value._rows]
        elif _compat.is_text(value):
            rows = [_datatypes.split_row(r) for r in _compat.to_text(value).split(u";")
                    if r.strip()]
        elif isinstance(value, (list, tuple)):
            rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]
        else:
            raise ValueError("a value table takes a ValueTable, a list of rows or text")
        out = []
        for row in rows:
            if len(row) != len(columns):
                raise ValueError("value table row %r has %d cells for %d columns"
                                 % (row, len(row), len(columns)))
            out.append([None if _datatypes.is_empty(c) else _datatypes.coerce(col[0], c)
                        for c, col in zip(row, columns)])
        return out or None

    def _get_value(self):
        stored = self._d["value"]
        if stored is None:
            return None
        if self._d["datatype"] == "GPValueTable" or self._is_multi():
            # A multivalue/value-table parameter's .value is a ValueTable (section 2.4,
            # unconfirmed): not iterable, so code must use .values or valueAsText.
            from ._objects import ValueTable
            width = len(self._d["columns"]) if self._d["datatype"] == "GPValueTable" else 1
            table = ValueTable(width)
            for row in (stored if width > 1 or self._d["datatype"] == "GPValueTable"
                        else [[v] for v in stored]):
                table._rows.append(list(row))
            return table
        return stored

    def _get_values(self):
        stored = self._d["value"]
        if not (self._is_multi() or self._d["datatype"] == "GPValueTable"):
            return None
        if stored is None:
            return []
        return [list(r) if isinstance(r, list) else r for r in stored]

    def _value_as_text(self):
        stored = self._d["value"]
        if stored is None:
            raw = self._d["raw_error"]
            return _compat.to_text(raw[0]) if raw and _compat.is_text(raw[0]) else None
        keywords = self._bool_keywords()
        if self._d["datatype"] == "GPValueTable":
            rows = [u" ".join(_datatypes.quote_item(_datatypes.to_text(c)) for c in row)
                    for row in stored]
            return u";".join(rows)
        if self._is_multi():
            return u";".join(_datatypes.quote_item(_datatypes.to_text(v, keywords))
                             for v in stored)
        return _datatypes.to_text(stored, keywords)

    # -- messages (section 2.2 [R13]) -------------------------------------------------------
    def setErrorMessage(self, message):
        self._set_message(2, message)

    def setWarningMessage(self, message):
        self._set_message(1, message)

    def setIDMessage(self, messageType, messageID, AddArgument1=None, AddArgument2=None):
        if messageType not in ("ERROR", "WARNING"):
            raise ValueError("setIDMessage type is 'ERROR' or 'WARNING', not %r" % (messageType,))
        args = u" ".join(_compat.to_text(a) for a in (AddArgument1, AddArgument2)
                         if a is not None)
        text = u"%s %06d: %s" % (messageType, int(messageID), args)
        self._set_message(2 if messageType == "ERROR" else 1, text.rstrip())

    def clearMessage(self):
        self._d["severity"] = 0
        self._d["message"] = u""

    def hasError(self):
        return self._d["severity"] == 2

    def hasWarning(self):
        return self._d["severity"] == 1

    def isInputValueDerived(self):
        return self._d["derived_input"]

    def _set_message(self, severity, message):
        if not _compat.is_text(message):
            raise ValueError("a parameter message must be text, not %r" % (message,))
        self._d["severity"] = severity
        self._d["message"] = _compat.to_text(message)

    # -- framework side (runner and test helpers; not arcpy API) ----------------------------
    def _edit(self, value):
        """A user typing ``value``: errors are kept for internal validation to report."""
        d = self._d
        try:
            d["value"] = self._coerce(value)
            d["raw_error"] = None
        except ValueError as exc:
            d["value"] = None
            d["raw_error"] = (value, _compat.to_text(str(exc)))
        d["altered"] = not _datatypes.is_empty(value)
        d["validated"] = False

    def _masked_text(self):
        """The value as history and ``Executing:`` lines show it (section 9)."""
        text = self._value_as_text()
        datatype = self._d["datatype"]
        hidden = datatype in _datatypes.MASKED_TYPES or (
            isinstance(datatype, list) and set(datatype) & _datatypes.MASKED_TYPES)
        if hidden and text:
            return _datatypes.MASK
        return text


_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def valid_name(name):
    return bool(name) and bool(_NAME_RE.match(name))


def _no_attribute(name):
    close = [n for n in _ALL if n.lower() == name.lower()] or \
        difflib.get_close_matches(name, _ALL, 1, 0.8)
    hint = ""
    if close and close[0] != name:
        hint = " (did you mean %r? arcpy names are camelCase, section 2.2 [R44])" % close[0]
    return "'Parameter' object has no attribute %r%s" % (name, hint)
