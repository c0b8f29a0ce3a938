"""The in-memory table store: CreateTable, AddField, cursors, GetCount, Delete, CopyRows."""
from __future__ import absolute_import

import datetime
import io
import os

import pytest

from tests.stubs import gp


@pytest.fixture
def table(pro):
    gdb = pro.env.scratchGDB
    pro.management.CreateTable(gdb, "Services", out_alias="Services")
    path = os.path.join(gdb, "Services")
    pro.management.AddField(path, "NAME", "TEXT", field_length=20)
    pro.management.AddField(path, "COUNT", "LONG")
    pro.management.AddField(path, "WHEN", "DATE")
    return path


def test_round_trip(pro, table):
    when = datetime.datetime(2026, 11, 22, 3, 0)
    with pro.da.InsertCursor(table, ["NAME", "COUNT", "WHEN"]) as cursor:
        assert cursor.insertRow(["Maps/A", 1, when]) == 1
        assert cursor.insertRow(("Maps/B", None, None)) == 2
    with pro.da.SearchCursor(table, ["OID@", "NAME", "COUNT"]) as cursor:
        assert list(cursor) == [(1, "Maps/A", 1), (2, "Maps/B", None)]
    assert list(pro.da.SearchCursor(table, ["NAME"], "COUNT = 1")) == [("Maps/A",)]
    assert list(pro.da.SearchCursor(table, ["NAME"], "NAME = 'Maps/B'")) == [("Maps/B",)]
    assert pro.management.GetCount(table)[0] == "2"
    stub = gp.table(table)
    assert stub.field_names == ["OBJECTID", "NAME", "COUNT", "WHEN"]
    assert stub.as_dicts()[0]["WHEN"] == when
    assert table in gp.tables()
    assert [f.name for f in pro.ListFields(table)] == stub.field_names
    assert pro.Describe(table).dataType == "Table"
    assert pro.Exists(table)


def test_insert_cursor_checks_rows(pro, table):
    cursor = pro.da.InsertCursor(table, ["NAME", "COUNT"])
    with pytest.raises(TypeError):
        cursor.insertRow(["only one"])
    with pytest.raises(RuntimeError):
        cursor.insertRow(["x" * 21, 1])        # longer than field_length
    with pytest.raises(RuntimeError):
        cursor.insertRow([1, 1])               # number into TEXT
    with pytest.raises(RuntimeError):
        cursor.insertRow(["x", "1"])           # text into LONG
    with pytest.raises(RuntimeError):
        cursor.insertRow(["x", 2 ** 40])       # out of LONG range
    with pytest.raises(RuntimeError):
        pro.da.InsertCursor(table, ["NAME", "NOPE"])
    with cursor:
        cursor.insertRow(["ok", 5])
    with pytest.raises(RuntimeError):
        cursor.insertRow(["closed", 5])


def test_where_clause_support_is_explicit(pro, table):
    with pytest.raises(NotImplementedError):
        pro.da.SearchCursor(table, ["NAME"], "NAME = 'a' AND COUNT = 1")


def test_field_type_whitelist(table):
    try:
        arcpy = gp.install("pro")
        gdb = arcpy.env.scratchGDB
        arcpy.management.CreateTable(gdb, "T")
        arcpy.management.AddField(os.path.join(gdb, "T"), "BIG", "BIGINTEGER")
        with pytest.raises(arcpy.ExecuteError) as info:
            arcpy.management.AddField(os.path.join(gdb, "T"), "S", "STRING")
        assert "000800" in str(info.value)
        arcpy = gp.install("arcmap")
        gdb = arcpy.env.scratchGDB
        arcpy.management.CreateTable(gdb, "T")
        with pytest.raises(arcpy.ExecuteError):
            arcpy.management.AddField(os.path.join(gdb, "T"), "BIG", "BIGINTEGER")
        with pytest.raises(TypeError):
            arcpy.management.CreateTable(gdb, "U", oid_type="64_BIT")
        with pytest.raises(TypeError):
            arcpy.da.InsertCursor(os.path.join(gdb, "T"), ["OBJECTID"], explicit=True)
    finally:
        gp.uninstall()


def test_create_table_rules(pro, table):
    gdb = pro.env.scratchGDB
    with pytest.raises(pro.ExecuteError) as info:
        pro.management.CreateTable(gdb, "Services")
    assert "000258" in str(info.value)
    pro.env.overwriteOutput = True
    pro.management.CreateTable(gdb, "Services")
    assert gp.table(table).field_names == ["OBJECTID"]
    with pytest.raises(pro.ExecuteError):
        pro.management.CreateTable(gdb, "bad name")
    with pytest.raises(pro.ExecuteError):
        pro.management.CreateTable(os.path.join(gdb, "missing.gdb"), "T")
    with pytest.raises(pro.ExecuteError):
        pro.management.CreateTable(pro.env.scratchFolder, "NoSuffix")
    pro.management.CreateTable(pro.env.scratchFolder, "t.dbf")
    pro.management.CreateTable("memory", "M")
    assert pro.Exists("memory/M")


def test_in_memory_workspace_name_per_mode(arcmap):
    with pytest.raises(arcmap.ExecuteError):
        arcmap.management.CreateTable("memory", "M")
    arcmap.management.CreateTable("in_memory", "M")


def test_workspace_resolution(pro, table):
    pro.env.workspace = pro.env.scratchGDB
    assert pro.management.GetCount("Services")[0] == "0"
    assert pro.Exists("Services")


def test_delete(pro, table):
    pro.management.Delete(table)
    assert not pro.Exists(table)
    with pytest.raises(pro.ExecuteError) as info:
        pro.management.Delete(table)
    assert "000732" in str(info.value)


def test_copy_rows_to_csv_in_pro(pro, table):
    with pro.da.InsertCursor(table, ["NAME", "COUNT"]) as cursor:
        cursor.insertRow(["Maps/A", 3])
    out = os.path.join(pro.env.scratchFolder, "services.csv")
    pro.management.CopyRows(table, out)
    with io.open(out, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines == [u"OBJECTID,NAME,COUNT,WHEN", u"1,Maps/A,3,"]
    copy = os.path.join(pro.env.scratchGDB, "Copy")
    pro.CopyRows_management(table, copy)
    assert gp.table(copy).rows == [[1, "Maps/A", 3, None]]


def test_copy_rows_to_csv_fails_in_arcmap(arcmap):
    gdb = arcmap.env.scratchGDB
    arcmap.management.CreateTable(gdb, "T")
    with pytest.raises(arcmap.ExecuteError):
        arcmap.management.CopyRows(os.path.join(gdb, "T"), os.path.join(gdb, "..", "t.csv"))
    out = os.path.join(arcmap.env.scratchFolder, "t.txt")
    arcmap.management.CopyRows(os.path.join(gdb, "T"), out)
    with open(out) as handle:
        assert handle.read().strip() == "OBJECTID"


def test_nested_tools_and_add_gp_messages(sample):
    arcpy = __import__("arcpy")
    result = gp.run_tool(sample, "WriteTable", arcpy.env.scratchGDB, "Log", 4)
    out = result.getOutput(0)
    assert out.endswith("Log")
    assert [r[1] for r in gp.table(out).rows] == ["Maps/S%d.MapServer" % i for i in range(4)]
    assert "4 rows written" in result.getMessages()
    nested = [h.tool for h in gp.history() if h.nested]
    assert nested == ["CreateTable", "AddField", "AddField", "GetCount"]


def test_describe_is_strict(pro, tmp_path):
    folder = pro.Describe(str(tmp_path))
    assert folder.dataType == "Folder"
    with pytest.raises(AttributeError):
        folder.fields
    with pytest.raises(IOError):
        pro.Describe(str(tmp_path.joinpath("nothing")))


def test_names_helpers(pro):
    assert pro.ValidateTableName("1 bad-name") == "T1_bad_name"
    assert pro.CreateUniqueName("x.csv", pro.env.scratchFolder).endswith("x.csv")
