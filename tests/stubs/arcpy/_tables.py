"""In-memory table store behind arcpy.management / arcpy.da, plus Field, Describe, Exists."""
from __future__ import absolute_import

import datetime
import os
import re

from . import _compat
from ._env import ENV
from ._state import STATE

# AddField types: the classic set every ArcMap 10.x has, plus the Pro-only ones (section 6
# [R37]); each maps to the Field.type name arcpy reports.
CLASSIC_FIELD_TYPES = {"TEXT": "String", "SHORT": "SmallInteger", "LONG": "Integer",
                       "FLOAT": "Single", "DOUBLE": "Double", "DATE": "Date"}
PRO_FIELD_TYPES = {"BIGINTEGER": "BigInteger", "DATEHIGHPRECISION": "Date",
                   "DATEONLY": "DateOnly", "TIMEONLY": "TimeOnly",
                   "TIMESTAMPOFFSET": "TimestampOffset", "BLOB": "Blob", "GUID": "Guid",
                   "RASTER": "Raster"}
_INT_RANGES = {"SmallInteger": (-32768, 32767), "Integer": (-2147483648, 2147483647),
               "BigInteger": (-2 ** 63, 2 ** 63 - 1)}
_TABLE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,159}$")
_FIELD_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
TEXT_EXTENSIONS = (".csv", ".txt", ".tab")


def field_types():
    types = dict(CLASSIC_FIELD_TYPES)
    if STATE.is_pro:
        types.update(PRO_FIELD_TYPES)
    return types


class Field(object):
    """``arcpy.Field``: what ListFields/Describe report for one column."""

    __slots__ = ("name", "aliasName", "type", "length", "precision", "scale", "isNullable",
                 "required", "editable", "domain", "baseName", "defaultValue")

    def __init__(self, name, type="String", length=255, aliasName=None, isNullable=True,
                 required=False, precision=0, scale=0, domain=""):
        self.name = name
        self.baseName = name
        self.aliasName = aliasName or name
        self.type = type
        self.length = length if type == "String" else {"OID": 4, "Date": 8}.get(type, 4)
        self.precision = precision
        self.scale = scale
        self.isNullable = isNullable
        self.required = required
        self.editable = type != "OID"
        self.domain = domain
        self.defaultValue = None

    def __repr__(self):
        return "<Field %s %s>" % (self.name, self.type)


class StubTable(object):
    """One table of the store: ``fields`` (OBJECTID first) and ``rows`` (lists in field order)."""

    def __init__(self, path, kind, alias=None):
        self.path = path
        self.kind = kind
        self.name = os.path.basename(path)
        self.alias = alias or self.name
        self.fields = [Field("OBJECTID", "OID", isNullable=False, required=True)]
        self.rows = []
        self.next_oid = 1

    @property
    def field_names(self):
        return [f.name for f in self.fields]

    def find_field(self, name):
        for index, field in enumerate(self.fields):
            if field.name.lower() == name.lower():
                return index, field
        return None, None

    def as_dicts(self):
        """Rows as ``{field name: value}`` dicts, for test assertions."""
        return [dict(zip(self.field_names, row)) for row in self.rows]

    def __repr__(self):
        return "<StubTable %s fields=%r rows=%d>" % (self.path, self.field_names, len(self.rows))


class TableStore(object):
    """Tables by catalog path (case-insensitive, as ArcGIS paths are on Windows)."""

    def __init__(self):
        self.tables = {}

    def clear(self):
        self.tables.clear()

    def get(self, path):
        return self.tables.get(key(resolve(path)))

    def add(self, table):
        self.tables[key(table.path)] = table

    def remove(self, path):
        return self.tables.pop(key(resolve(path)), None)

    def in_workspace(self, workspace):
        prefix = key(workspace) + "/"
        return [t for k, t in self.tables.items() if k.startswith(prefix)]


STORE = TableStore()


def memory_names():
    # Pro's in-memory workspace is "memory" (legacy "in_memory" still works); ArcMap 10.x only
    # has "in_memory" (section 7 table, unconfirmed).
    return ("memory", "in_memory") if STATE.is_pro else ("in_memory",)


def resolve(path):
    """Apply ``arcpy.env.workspace`` to a bare name, as geoprocessing does."""
    if not _compat.is_text(path):
        path = str(path)
    path = _compat.to_text(path)
    if not re.search(r"[\\/]", path) and ENV._get("workspace") and \
            path.lower() not in ("memory", "in_memory"):
        return os.path.join(ENV._get("workspace"), path)
    return path


def key(path):
    return os.path.normpath(path.replace("\\", "/")).replace("\\", "/").lower()


def workspace_kind(workspace):
    """'memory', 'gdb', 'folder' or None (not a workspace)."""
    if workspace.replace("\\", "/").strip("/").lower() in memory_names():
        return "memory"
    if os.path.isdir(workspace):
        return "gdb" if workspace.lower().rstrip("\\/").endswith(".gdb") else "folder"
    return None


def split_table_path(path):
    path = resolve(path)
    parts = re.split(r"[\\/]", path)
    return path, (os.path.dirname(path) if len(parts) > 1 else ""), parts[-1]


def check_table_name(name, kind):
    if kind == "folder":
        stem, ext = os.path.splitext(name)
        # A folder gives an INFO table in Pro 3.0 and a dBASE table in Pro 2.6 unless ".dbf"
        # is given (section 6 [R31]); the stub insists on the explicit ".dbf".
        return bool(stem) and ext.lower() == ".dbf"
    return bool(_TABLE_NAME_RE.match(name))


def check_field_name(name):
    return bool(_FIELD_NAME_RE.match(name))


def check_cell(field, value):
    """Validate one value for ``field``; raise as the da cursors do (section 6 [R32])."""
    if value is None:
        if not field.isNullable:
            raise RuntimeError("Field %s does not accept NULL" % field.name)
        return None
    kind = field.type
    incompatible = RuntimeError("The value type is incompatible with the field type. [%s]"
                                % field.name)
    if kind == "String":
        if not _compat.is_text(value):
            raise incompatible
        if len(value) > field.length:
            raise RuntimeError("The row contains a bad value. [%s] (text longer than %d)"
                               % (field.name, field.length))
        return _compat.to_text(value)
    if kind in _INT_RANGES:
        if isinstance(value, bool) or not isinstance(value, _compat.integer_types):
            raise incompatible
        low, high = _INT_RANGES[kind]
        if not low <= value <= high:
            raise RuntimeError("The row contains a bad value. [%s] (out of range)" % field.name)
        return int(value)
    if kind in ("Single", "Double"):
        if isinstance(value, bool) or not isinstance(value, _compat.integer_types + (float,)):
            raise incompatible
        return float(value)
    if kind == "Date":
        if not isinstance(value, datetime.datetime):
            raise incompatible
        return value
    return value


class Describe(object):
    """``arcpy.Describe`` result: only the properties that exist for its dataType.

    Asking for another one fails the way arcpy does ("DescribeData: Method ... does not
    exist"), so code that reads ``fields`` of a folder is caught.
    """

    __slots__ = ("_props",)

    def __init__(self, props):
        object.__setattr__(self, "_props", props)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._props[name]
        except KeyError:
            raise AttributeError("DescribeData: Method %s does not exist" % name)

    def __setattr__(self, name, value):
        raise AttributeError("Describe objects are read-only")


def describe(value, data_type=None):
    path = resolve(value)
    base = {"catalogPath": path, "name": os.path.basename(path.rstrip("\\/")),
            "path": os.path.dirname(path)}
    base["baseName"], base["extension"] = os.path.splitext(base["name"])
    base["extension"] = base["extension"].lstrip(".")
    table = STORE.get(path)
    if table is not None:
        base.update({"dataType": "DbaseTable" if table.kind == "folder" else "Table",
                     "fields": list(table.fields), "hasOID": True, "OIDFieldName": "OBJECTID",
                     "aliasName": table.alias})
        return Describe(base)
    kind = workspace_kind(path)
    if kind in ("gdb", "memory"):
        factory = "FileGDBWorkspaceFactory" if kind == "gdb" else "ColumnarMemoryWorkspaceFactory"
        base.update({"dataType": "Workspace", "workspaceType": "LocalDatabase",
                     "workspaceFactoryProgID": "esriDataSourcesGDB." + factory})
        return Describe(base)
    if kind == "folder":
        base.update({"dataType": "Folder", "workspaceType": "FileSystem"})
        return Describe(base)
    if os.path.isfile(path):
        is_text = os.path.splitext(path)[1].lower() in TEXT_EXTENSIONS
        base.update({"dataType": "TextFile" if is_text else "File", "file": base["name"]})
        return Describe(base)
    raise IOError('"%s" does not exist' % path)


def exists(dataset):
    if dataset is None or (_compat.is_text(dataset) and not dataset.strip()):
        return False
    path = resolve(dataset)
    return (STORE.get(path) is not None or workspace_kind(path) is not None or
            os.path.exists(path))


def list_fields(dataset, wild_card=None, field_type=None):
    table = STORE.get(dataset)
    if table is None:
        raise IOError('"%s" does not exist' % dataset)
    fields = list(table.fields)
    if wild_card:
        pattern = re.compile("^" + re.escape(wild_card).replace("\\*", ".*") + "$", re.I)
        fields = [f for f in fields if pattern.match(f.name)]
    if field_type and field_type != "All":
        fields = [f for f in fields if f.type.lower() == field_type.lower()]
    return fields


def validate_name(name, prefix):
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", _compat.to_text(name))
    if not cleaned or not cleaned[0].isalpha():
        cleaned = prefix + cleaned
    return cleaned


def create_unique_name(base_name, workspace=None):
    folder = workspace or ENV._get("workspace") or ""
    stem, ext = os.path.splitext(base_name)
    candidate, number = base_name, 0
    while exists(os.path.join(folder, candidate) if folder else candidate):
        candidate = "%s%d%s" % (stem, number, ext)
        number += 1
    return os.path.join(folder, candidate) if folder else candidate
