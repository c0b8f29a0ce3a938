"""``arcpy.management``: the few Data Management tools a toolbox writes tables with (section 6)."""
from __future__ import absolute_import

import csv
import io
import os
import shutil

from . import _compat, _errors, _tables
from ._env import ENV
from ._objects import Result, STATUS_FAILED, STATUS_SUCCEEDED
from ._state import STATE, HistoryEntry, Message, now_text


class _Fail(Exception):
    """A nested tool failed with this error text (it becomes ExecuteError)."""


def _tool(tool_name, arg_names):
    """Make ``func`` behave like a geoprocessing tool called from Python.

    It returns a Result, leaves its messages for ``messages.addGPMessages`` /
    ``arcpy.GetMessages``, goes into history when ``SetLogHistory`` is on (section 9) and
    raises ExecuteError on failure. A wrong argument list is a plain TypeError, as with any
    Python function.
    """
    def wrap(func):
        def call(*args, **kwargs):
            STATE.checkpoint()
            messages = [Message(0, u"Start Time: " + now_text(), True)]
            values = list(zip(arg_names, args)) + sorted(kwargs.items())
            texts = [(n, None if v is None else _compat.to_text(v)) for n, v in values]
            try:
                outputs = func(*args, **kwargs)
            except _Fail as exc:
                messages.append(Message(2, _compat.to_text(str(exc))))
                messages.append(Message(2, u"Failed to execute (%s)." % tool_name, True))
                _finish(tool_name, texts, messages, [], STATUS_FAILED)
                raise _errors.ExecuteError(u"\n".join(m.text for m in messages
                                                      if m.severity == 2))
            messages.append(Message(0, u"Succeeded at %s" % now_text(), True))
            return _finish(tool_name, texts, messages, outputs, STATUS_SUCCEEDED)
        call.__name__ = func.__name__
        call.__doc__ = func.__doc__
        return call
    return wrap


def _finish(tool_name, texts, messages, outputs, status):
    result = Result(tool_name, [t for _, t in texts], [_compat.to_text(o) for o in outputs],
                    messages, status)
    STATE.last_tool_result = result
    if STATE.current_run is None:
        STATE.last_messages = list(messages)
    STATE.all_messages.extend(messages)
    if STATE.log_history:
        STATE.history.append(HistoryEntry(tool_name, "management", STATE.mode,
                                          "Succeeded" if status == STATUS_SUCCEEDED
                                          else "Failed", texts, list(messages), nested=True))
    return result


def _workspace_or_fail(workspace):
    kind = _tables.workspace_kind(workspace)
    if kind is None:
        raise _Fail(u"ERROR 000732: Workspace: Dataset %s does not exist or is not supported"
                    % workspace)
    return kind


def _check_output(path):
    if _tables.exists(path):
        if not ENV._get("overwriteOutput"):
            raise _Fail(u"ERROR 000258: Output %s already exists" % path)
        _delete(path)


def _table_or_fail(path):
    table = _tables.STORE.get(path)
    if table is None:
        raise _Fail(u"ERROR 000732: Input Table: Dataset %s does not exist or is not supported"
                    % path)
    return table


@_tool("CreateTable", ("out_path", "out_name", "template", "config_keyword", "out_alias",
                       "oid_type"))
def CreateTable(out_path, out_name, template=None, config_keyword=None, out_alias=None,
                oid_type=None):
    """Create an empty table with an OBJECTID field (section 6 [R31])."""
    if oid_type is not None and not STATE.is_pro:
        raise TypeError("CreateTable() got an unexpected keyword argument 'oid_type' "
                        "(ArcGIS Pro only)")
    if oid_type not in (None, "SAME_AS_TEMPLATE", "64_BIT", "32_BIT"):
        raise _Fail(u"ERROR 000800: The value is not a member of SAME_AS_TEMPLATE | 64_BIT | "
                    u"32_BIT.")
    kind = _workspace_or_fail(out_path)
    if not _tables.check_table_name(out_name, kind):
        raise _Fail(u"ERROR 000354: The name contains invalid characters: %s" % out_name)
    path = os.path.join(out_path, out_name) if kind != "memory" else \
        out_path.rstrip("\\/") + "/" + out_name
    _check_output(path)
    table = _tables.StubTable(path, kind, out_alias)
    for source in ([template] if _compat.is_text(template) else (template or [])):
        for field in _table_or_fail(source).fields[1:]:
            if table.find_field(field.name)[1] is None:
                table.fields.append(field)
    _tables.STORE.add(table)
    return [path]


@_tool("AddField", ("in_table", "field_name", "field_type", "field_precision", "field_scale",
                    "field_length", "field_alias", "field_is_nullable", "field_is_required",
                    "field_domain"))
def AddField(in_table, field_name, field_type, field_precision=None, field_scale=None,
             field_length=None, field_alias=None, field_is_nullable=None,
             field_is_required=None, field_domain=None):
    """Add a column; only the field types of section 6 are accepted."""
    table = _table_or_fail(in_table)
    types = _tables.field_types()
    if field_type not in types:
        raise _Fail(u"ERROR 000800: The value is not a member of %s." % u" | ".join(
            sorted(types)))
    if not _tables.check_field_name(field_name):
        raise _Fail(u"ERROR 000354: The name contains invalid characters: %s" % field_name)
    if table.find_field(field_name)[1] is not None:
        raise _Fail(u"ERROR 000012: %s already exists" % field_name)
    if field_is_nullable not in (None, "NULLABLE", "NON_NULLABLE"):
        raise _Fail(u"ERROR 000800: The value is not a member of NULLABLE | NON_NULLABLE.")
    if field_is_required not in (None, "REQUIRED", "NON_REQUIRED"):
        raise _Fail(u"ERROR 000800: The value is not a member of REQUIRED | NON_REQUIRED.")
    field = _tables.Field(field_name, types[field_type],
                          length=int(field_length) if field_length else 255,
                          aliasName=field_alias,
                          isNullable=field_is_nullable != "NON_NULLABLE",
                          required=field_is_required == "REQUIRED",
                          precision=field_precision or 0, scale=field_scale or 0,
                          domain=field_domain or "")
    table.fields.append(field)
    for row in table.rows:
        row.append(None)
    return [table.path]


@_tool("GetCount", ("in_rows",))
def GetCount(in_rows):
    """Row count as text, as the real Result gives it (``int(result[0])``)."""
    return [str(len(_table_or_fail(in_rows).rows))]


def _delete(path):
    path = _tables.resolve(path)
    if _tables.STORE.remove(path) is not None:
        return True
    kind = _tables.workspace_kind(path)
    if kind == "gdb":
        for table in _tables.STORE.in_workspace(path):
            _tables.STORE.remove(table.path)
        shutil.rmtree(path)
        return True
    if os.path.isfile(path):
        os.remove(path)
        return True
    return False


@_tool("Delete", ("in_data", "data_type"))
def Delete(in_data, data_type=None):
    """Delete a table, a file geodatabase or a file."""
    items = in_data if isinstance(in_data, (list, tuple)) else \
        [p for p in _compat.to_text(in_data).split(u";") if p]
    for item in items:
        if not _delete(item):
            raise _Fail(u"ERROR 000732: Input Data Element: Dataset %s does not exist or is "
                        u"not supported" % item)
    return [u"true"]


@_tool("CreateFileGDB", ("out_folder_path", "out_name", "out_version"))
def CreateFileGDB(out_folder_path, out_name, out_version=None):
    """Create a file geodatabase folder on disk (the stub keeps its tables in memory)."""
    if _tables.workspace_kind(out_folder_path) != "folder":
        raise _Fail(u"ERROR 000732: File GDB Location: Dataset %s does not exist or is not "
                    u"supported" % out_folder_path)
    name = out_name if out_name.lower().endswith(".gdb") else out_name + ".gdb"
    path = os.path.join(out_folder_path, name)
    _check_output(path)
    os.mkdir(path)
    return [path]


@_tool("CopyRows", ("in_rows", "out_table", "config_keyword"))
def CopyRows(in_rows, out_table, config_keyword=None):
    """Copy a table. In a folder, Pro writes .csv/.txt files and ArcMap 10.x only
    tab-delimited .txt (or .dbf) (section 6 [R33]); those files are really written."""
    source = _table_or_fail(in_rows)
    out_table = _tables.resolve(out_table)
    workspace, name = os.path.dirname(out_table), os.path.basename(out_table)
    kind = _workspace_or_fail(workspace) if workspace else _workspace_or_fail(out_table)
    _check_output(out_table)
    ext = os.path.splitext(name)[1].lower()
    if kind == "folder" and ext in _tables.TEXT_EXTENSIONS:
        if not STATE.is_pro and ext != ".txt":
            raise _Fail(u"ERROR 000814: Invalid file type: ArcMap's Copy Rows writes only "
                        u"geodatabase, dBASE or tab-delimited .txt tables")
        _write_text_table(source, out_table, "," if STATE.is_pro else "\t")
        return [out_table]
    if not _tables.check_table_name(name, kind):
        raise _Fail(u"ERROR 000354: The name contains invalid characters: %s" % name)
    copy = _tables.StubTable(out_table, kind)
    copy.fields = list(source.fields)
    for row in source.rows:
        copy.rows.append([copy.next_oid] + list(row[1:]))
        copy.next_oid += 1
    _tables.STORE.add(copy)
    return [out_table]


def _write_text_table(source, path, delimiter):
    rows = [source.field_names] + [[u"" if v is None else _compat.to_text(v) for v in row]
                                   for row in source.rows]
    if _compat.PY2:  # pragma: no cover - exercised by the py27 test run
        with open(path, "wb") as handle:
            writer = csv.writer(handle, delimiter=delimiter.encode("ascii"))
            for row in rows:
                writer.writerow([_compat.to_text(c).encode("utf-8") for c in row])
    else:
        with io.open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerows(rows)
