"""agsadmin_core.gp.tables: the generic table writer, through the strict arcpy stand-in."""

import datetime
import os

import pytest

from agsadmin_core.gp.tables import Field, dbase_names, write_table
from tests.stubs import gp

LOG_FIELDS = [Field("TIME", "DATE", alias="Time"), Field("LEVEL", "TEXT", 10, "Level"),
              Field("CODE", "LONG", alias="Code"), Field("ELAPSED", "DOUBLE", alias="Elapsed"),
              Field("MESSAGE_TEXT", "TEXT", 1000, "Message"),
              Field("MESSAGE_TEXT_2", "TEXT", 1000, "Message 2")]


def _rows(count, seen):
    start = datetime.datetime(2026, 11, 30, 8, 0, 0)
    for number in range(count):
        seen.append(number)   # rows are pulled one at a time, as the cursor inserts them
        yield [start + datetime.timedelta(seconds=number), "WARNING", 9000 + number,
               number / 4.0, "message %d" % number, None]


def test_typed_rows_stream_into_a_geodatabase_table(mode):
    import arcpy
    seen = []
    rows = _rows(2000, seen)
    table, count = write_table(arcpy, os.path.join(arcpy.env.scratchGDB, "logs"), LOG_FIELDS,
                               rows)
    assert count == 2000 and len(seen) == 2000
    stored = gp.table(table)
    assert stored.field_names == ["OBJECTID", "TIME", "LEVEL", "CODE", "ELAPSED",
                                  "MESSAGE_TEXT", "MESSAGE_TEXT_2"]
    assert [f.type for f in stored.fields[1:]] == ["Date", "String", "Integer", "Double",
                                                   "String", "String"]
    assert [f.aliasName for f in stored.fields[1:4]] == ["Time", "Level", "Code"]
    last = stored.as_dicts()[-1]
    assert last["CODE"] == 10999 and last["ELAPSED"] == 499.75
    assert last["TIME"] == datetime.datetime(2026, 11, 30, 8, 33, 19)


def test_a_table_in_a_folder_is_dbase_with_short_unique_names(mode, tmp_path):
    import arcpy
    table, count = write_table(arcpy, os.path.join(str(tmp_path), "logs"), LOG_FIELDS,
                               _rows(3, []))
    assert table.endswith("logs.dbf") and count == 3
    stored = gp.table(table)
    names = stored.field_names[1:]
    assert names == ["TIME", "LEVEL", "CODE", "ELAPSED", "MESSAGE_TE", "MESSAGE_T2"]
    assert all(len(n) <= 10 for n in names)
    assert stored.fields[5].length == 254 and stored.fields[5].aliasName == "Message"


def test_dbase_names():
    assert dbase_names(["SERVICE", "configured_state", "configured_flag", "a-b"]) == \
        ["SERVICE", "configured", "configure2", "a_b"]


def test_an_unknown_field_type_is_refused_when_declared():
    with pytest.raises(ValueError):
        Field("WHEN", "DATETIME")
