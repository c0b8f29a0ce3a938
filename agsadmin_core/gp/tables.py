"""A generic table writer for tools that output tables (List Services, later Query Logs).

A tool declares its columns once as :class:`Field` records and hands over an iterable of
rows; :func:`write_table` creates the table with arcpy (handed in, never imported here),
adds the fields and inserts the rows one at a time with ``arcpy.da.InsertCursor``, so tens of
thousands of rows stream from the server to the table without being held in memory.

A table in a plain folder is a dBASE file: the writer adds ``.dbf`` and shortens field names
to dBASE's 10 characters (unique), and text to its 254.
"""

import collections
import re

#: The field types a tool may declare: what AddField accepts in ArcMap 10.x and ArcGIS Pro.
FIELD_TYPES = ("TEXT", "LONG", "DOUBLE", "DATE")

_DATABASES = (".gdb", ".sde", ".mdb", ".gpkg", ".sqlite")
_MEMORY = ("memory", "in_memory")
DBASE_NAME_LENGTH = 10
DBASE_TEXT_LENGTH = 254


class Field(collections.namedtuple("Field", "name type length alias")):
    """One column: ``name``, ``type`` (one of :data:`FIELD_TYPES`), ``length`` (TEXT only;
    None for the workspace's default) and ``alias`` (the name people see; None for
    ``name``)."""

    __slots__ = ()

    def __new__(cls, name, type="TEXT", length=None, alias=None):
        if type not in FIELD_TYPES:
            raise ValueError("Field %s: type %r is not one of %s" % (name, type,
                                                                     ", ".join(FIELD_TYPES)))
        return super(Field, cls).__new__(cls, name, type, length, alias)


class TableOut(collections.namedtuple("TableOut", "workspace name is_dbase")):
    """Where a table goes: ``workspace`` and ``name`` as CreateTable takes them, and whether
    it is a dBASE table in a plain folder."""

    __slots__ = ()


def split_table_path(path):
    """A :class:`TableOut` for a table path; a table in a plain folder gets ``.dbf``.

    Splits on both separators, because ``memory\\name`` is written with a backslash on every
    platform.
    """
    cut = max(path.rfind("/"), path.rfind("\\"))
    workspace, name = (path[:cut], path[cut + 1:]) if cut >= 0 else ("", path)
    lowered = workspace.lower().rstrip("/\\")
    in_database = lowered.endswith(_DATABASES) or lowered in _MEMORY
    if in_database:
        return TableOut(workspace, name, False)
    if "." not in name:
        name += ".dbf"   # CreateTable in a folder makes a dBASE table
    return TableOut(workspace, name, name.lower().endswith(".dbf"))


def dbase_names(names):
    """``names`` cut to dBASE's 10 characters, made unique with a number where cutting made
    two alike (``MESSAGE_TEXT``, ``MESSAGE_TE2`` -> ``MESSAGE_TE``, ``MESSAGE_T2``)."""
    taken = set()
    out = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name)[:DBASE_NAME_LENGTH]
        candidate, number = base, 1
        while candidate.upper() in taken:
            number += 1
            suffix = str(number)
            candidate = base[:DBASE_NAME_LENGTH - len(suffix)] + suffix
        taken.add(candidate.upper())
        out.append(candidate)
    return out


def write_table(arcpy, path, fields, rows):
    """Create the table ``path`` with ``fields`` and insert ``rows`` (sequences in field
    order), streaming.

    Returns:
        ``(table, count)``: the table's catalog path as arcpy made it, and the rows written.
    """
    target = split_table_path(path)
    names = [f.name for f in fields]
    if target.is_dbase:
        names = dbase_names(names)
    table = arcpy.management.CreateTable(target.workspace, target.name).getOutput(0)
    for field, name in zip(fields, names):
        length = field.length
        if field.type == "TEXT" and target.is_dbase and length:
            length = min(length, DBASE_TEXT_LENGTH)
        arcpy.management.AddField(table, name, field.type,
                                  field_length=length if field.type == "TEXT" else None,
                                  field_alias=field.alias or field.name)
    count = 0
    with arcpy.da.InsertCursor(table, names) as cursor:
        for row in rows:
            cursor.insertRow(list(row))
            count += 1
    return table, count
