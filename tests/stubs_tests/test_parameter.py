"""arcpy.Parameter, Filter, ValueTable: defaults, strictness, keywords, value rules."""
from __future__ import absolute_import

import datetime

import pytest

from tests.stubs import gp


def test_pro_defaults(pro):
    p = pro.Parameter(name="a", displayName="A")
    assert (p.direction, p.datatype, p.parameterType) == ("Input", "GPString", "Required")
    assert p.enabled is True and p.multiValue is False
    assert p.value is None and p.valueAsText is None
    assert p.altered is False and p.hasBeenValidated is False
    assert p.filter is not None and p.filter.type == "ValueList"


def test_arcmap_defaults_are_none(arcmap):
    p = arcmap.Parameter(name="a", displayName="A")
    for name in ("direction", "datatype", "parameterType", "enabled", "multiValue"):
        assert getattr(p, name) is None
    assert p.filter.type is None


@pytest.mark.parametrize("name", ["Value", "ValueAsText", "valueastext", "Enabled", "Filter",
                                  "displayname"])
def test_wrong_attribute_spelling_fails(pro, name):
    p = pro.Parameter(name="a", displayName="A")
    with pytest.raises(AttributeError):
        getattr(p, name)
    with pytest.raises(AttributeError):
        setattr(p, name, "x")


def test_typo_message_suggests_the_real_name(pro):
    p = pro.Parameter(name="a", displayName="A")
    with pytest.raises(AttributeError) as info:
        p.ValueAsText
    assert "valueAsText" in str(info.value)


@pytest.mark.parametrize("name", ["valueAsText", "altered", "hasBeenValidated", "message"])
def test_read_only_attributes(pro, name):
    p = pro.Parameter(name="a", displayName="A")
    with pytest.raises(AttributeError):
        setattr(p, name, None)


def test_methods_cannot_be_replaced(pro):
    p = pro.Parameter(name="a", displayName="A")
    with pytest.raises(AttributeError):
        p.setErrorMessage = None


def test_pro_only_attributes(pro):
    p = pro.Parameter(name="a", displayName="A")
    p.displayOrder = 2
    assert p.displayOrder == 2


def test_pro_only_attributes_absent_in_arcmap(arcmap):
    p = arcmap.Parameter(name="a", displayName="A", datatype="GPString")
    with pytest.raises(AttributeError):
        p.displayOrder = 2
    with pytest.raises(AttributeError):
        p.filters


# -- datatype keywords ----------------------------------------------------------------------
@pytest.mark.parametrize("display", ["String", "Boolean", "Long", "File", "String Hidden",
                                     "Table View"])
def test_display_names_are_rejected(any_mode, display):
    with pytest.raises(ValueError) as info:
        any_mode.Parameter(name="a", displayName="A", datatype=display)
    assert "keyword" in str(info.value)


@pytest.mark.parametrize("typo", ["GPstring", "GPSting", "DEfile", "GPLongInteger", "",
                                  "GPString "])
def test_keyword_typos_are_rejected(pro, typo):
    with pytest.raises(ValueError):
        pro.Parameter(name="a", displayName="A", datatype=typo)


def test_keyword_list_is_pro_3(pro):
    for keyword in ("GPString", "GPStringHidden", "GPEncryptedString", "DEFile", "DETable",
                    "GPValueTable", "DEWorkspace", "GPKnowledgeGraphLayer"):
        pro.Parameter(name="a", displayName="A", datatype=keyword)
    # Left the Pro 3.x list (section 3.2).
    for keyword in ("DERasterCatalog", "GPAddressLocatorStyle"):
        with pytest.raises(ValueError):
            pro.Parameter(name="a", displayName="A", datatype=keyword)


def test_arcmap_rejects_pro_only_keywords(arcmap):
    with pytest.raises(ValueError):
        arcmap.Parameter(name="a", displayName="A", datatype="GPKnowledgeGraphLayer")
    arcmap.Parameter(name="a", displayName="A", datatype="DERasterCatalog")


def test_gpstringhidden_switch_in_arcmap():
    try:
        arcpy = gp.install("arcmap")   # default: accept (unconfirmed, section 3.1)
        arcpy.Parameter(name="a", displayName="A", datatype="GPStringHidden")
        arcpy = gp.install("arcmap", arcmap_gpstringhidden=False)
        with pytest.raises(ValueError):
            arcpy.Parameter(name="a", displayName="A", datatype="GPStringHidden")
        arcpy = gp.install("pro", arcmap_gpstringhidden=False)   # no effect in Pro
        arcpy.Parameter(name="a", displayName="A", datatype="GPStringHidden")
    finally:
        gp.uninstall()


def test_composite_datatype(pro):
    p = pro.Parameter(name="a", displayName="A", datatype=["DETable", "GPTableView"])
    assert p.datatype == ["DETable", "GPTableView"]
    with pytest.raises(ValueError):
        pro.Parameter(name="a", displayName="A", datatype=["DETable", "Table"])


# -- enumerations ---------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    {"direction": "input"}, {"direction": "In"}, {"parameterType": "required"},
    {"parameterType": "Mandatory"}, {"enabled": "true"}, {"multiValue": 1},
])
def test_enumerations_are_checked(pro, kwargs):
    with pytest.raises(ValueError):
        pro.Parameter(name="a", displayName="A", **kwargs)


def test_unknown_constructor_keyword(pro):
    with pytest.raises(TypeError):
        pro.Parameter(name="a", displayName="A", dataType="GPString")


# -- values -----------------------------------------------------------------------------------
def test_value_as_text_rules(pro):
    flag = pro.Parameter(name="f", displayName="F", datatype="GPBoolean")
    flag.value = True
    assert flag.valueAsText == "true"
    flag.value = "FALSE"
    assert flag.value is False and flag.valueAsText == "false"
    number = pro.Parameter(name="n", displayName="N", datatype="GPLong")
    number.value = "42"
    assert number.value == 42 and number.valueAsText == "42"
    real = pro.Parameter(name="d", displayName="D", datatype="GPDouble")
    real.value = 1.5
    assert real.valueAsText == "1.5"
    when = pro.Parameter(name="w", displayName="W", datatype="GPDate")
    when.value = "2026-11-22 21:45:00"
    assert when.value == datetime.datetime(2026, 11, 22, 21, 45)
    assert when.valueAsText == "2026-11-22 21:45:00"
    when.value = None
    assert when.valueAsText is None


def test_multivalue_text_joins_and_quotes(pro):
    p = pro.Parameter(name="s", displayName="S", datatype="GPString", multiValue=True)
    p.value = ["Maps/A.MapServer", "Folder With Space/B.MapServer", "C"]
    assert p.valueAsText == "Maps/A.MapServer;'Folder With Space/B.MapServer';C"
    assert p.values == ["Maps/A.MapServer", "Folder With Space/B.MapServer", "C"]
    p.value = "x;'y z'"
    assert p.values == ["x", "y z"]
    assert not isinstance(p.value, list)   # a ValueTable-like object, not the list
    with pytest.raises(TypeError):
        iter(p.value)


def test_single_value_rejects_list(pro):
    p = pro.Parameter(name="s", displayName="S")
    with pytest.raises(ValueError):
        p.value = ["a", "b"]
    assert p.values is None


@pytest.mark.parametrize("datatype,bad", [
    ("GPLong", "abc"), ("GPLong", 1.5), ("GPLong", True), ("GPLong", 2 ** 40),
    ("GPDouble", "x"), ("GPBoolean", "yes"), ("GPBoolean", 1), ("GPDate", "22/11/2026"),
    ("GPLinearUnit", "ten meters"),
])
def test_bad_values_raise_when_the_toolbox_assigns_them(pro, datatype, bad):
    p = pro.Parameter(name="a", displayName="A", datatype=datatype)
    with pytest.raises(ValueError):
        p.value = bad


def test_dataset_values_are_value_objects(pro):
    p = pro.Parameter(name="f", displayName="F", datatype="DEFile")
    p.value = "/data/conn.json"
    assert p.valueAsText == "/data/conn.json"
    assert str(p.value) == "/data/conn.json"
    assert p.value.value == "/data/conn.json"
    assert p.value != "/data/conn.json"          # not a str: use valueAsText
    with pytest.raises(AttributeError):
        p.value.endswith(".json")


def test_value_table(pro):
    p = pro.Parameter(name="vt", displayName="VT", datatype="GPValueTable")
    p.columns = [["GPString", "Service"], ["GPLong", "Instances"]]
    p.value = [["Maps/A", 2], ["My Maps/B", "3"]]
    assert p.values == [["Maps/A", 2], ["My Maps/B", 3]]
    assert p.valueAsText == "Maps/A 2;'My Maps/B' 3"
    assert p.value.rowCount == 2 and p.value.columnCount == 2
    with pytest.raises(ValueError):
        p.value = [["only one cell"]]
    with pytest.raises(ValueError):
        p.columns = [["String", "Service"]]
    plain = pro.Parameter(name="s", displayName="S")
    with pytest.raises(ValueError):
        plain.columns = [["GPString", "x"]]


def test_value_table_class(pro):
    table = pro.ValueTable(2)
    table.addRow("a 'b c'")
    table.addRow(["d", "e"])
    assert table.rowCount == 2
    assert table.getValue(0, 1) == "b c"
    assert table.exportToString() == "a 'b c';d e"
    with pytest.raises(ValueError):
        table.addRow("only")
    table.removeRow(0)
    assert table.getRow(0) == "d e"


# -- filters ----------------------------------------------------------------------------------
def test_default_filter_types(pro):
    expected = {"GPString": "ValueList", "GPLong": "ValueList", "GPDouble": "ValueList",
                "GPBoolean": "ValueList", "DEFile": "File", "Field": "Field",
                "DEWorkspace": "Workspace", "DEFeatureClass": "FeatureClass",
                "DEFolder": None, "DETable": None}
    for datatype, filter_type in expected.items():
        p = pro.Parameter(name="a", displayName="A", datatype=datatype)
        assert p.filter.type == filter_type, datatype


def test_only_long_and_double_filters_switch_type(pro):
    number = pro.Parameter(name="n", displayName="N", datatype="GPLong")
    number.filter.type = "Range"
    number.filter.list = [1, 10]
    text = pro.Parameter(name="s", displayName="S", datatype="GPString")
    with pytest.raises(ValueError):
        text.filter.type = "Range"
    with pytest.raises(ValueError):
        number.filter.type = "Rnage"


def test_filter_lists_are_checked(pro):
    number = pro.Parameter(name="n", displayName="N", datatype="GPLong")
    number.filter.type = "Range"
    with pytest.raises(ValueError):
        number.filter.list = [1, 2, 3]
    with pytest.raises(ValueError):
        number.filter.list = [5, 1]
    workspace = pro.Parameter(name="w", displayName="W", datatype="DEWorkspace")
    with pytest.raises(ValueError):
        workspace.filter.list = ["Filesystem"]
    folder = pro.Parameter(name="f", displayName="F", datatype="DEFolder")
    with pytest.raises(ValueError):
        folder.filter.list = ["x"]
    with pytest.raises(ValueError):
        number.filter.list = (1, 2)
    with pytest.raises(AttributeError):
        number.filter.List = [1, 2]


def test_boolean_keywords(pro):
    p = pro.Parameter(name="b", displayName="B", datatype="GPBoolean")
    p.filter.list = ["KEEP", "DROP"]
    p.value = "DROP"
    assert p.value is False and p.valueAsText == "DROP"


# -- messages ---------------------------------------------------------------------------------
def test_parameter_messages(pro):
    p = pro.Parameter(name="a", displayName="A")
    assert p.message == "" and not p.hasError() and not p.hasWarning()
    p.setWarningMessage("careful")
    assert p.hasWarning() and p.message == "careful"
    p.setErrorMessage("wrong")
    assert p.hasError() and not p.hasWarning()
    p.setIDMessage("ERROR", 735)
    assert p.message.startswith("ERROR 000735")
    p.clearMessage()
    assert p.message == "" and not p.hasError()
    assert p.isInputValueDerived() is False
    gp.mark_derived(p)
    assert p.isInputValueDerived() is True


def test_edit_helper_marks_altered(pro):
    p = pro.Parameter(name="a", displayName="A")
    gp.edit(p, "typed")
    assert p.altered is True and p.hasBeenValidated is False and p.value == "typed"
    gp.edit(p, None)
    assert p.altered is False


def test_text_is_unicode(pro):
    p = pro.Parameter(name="a", displayName="A")
    p.value = "abc"
    assert isinstance(p.valueAsText, type(u""))
