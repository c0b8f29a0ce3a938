"""arcpy.ImportToolbox / AddToolbox: module binding and calls through arcpy (section 5.2)."""
from __future__ import absolute_import

import pytest

from tests.stubs import gp
from tests.stubs_tests.conftest import SAMPLE, tool_source


def test_import_binds_both_forms(pro):
    module = pro.ImportToolbox(SAMPLE)
    assert pro.sample is module
    result = pro.sample.Echo("hi", 2)
    assert result.getOutput(0) == "hi"
    assert pro.Echo_sample("yo").getOutput(0) == "yo"
    assert pro.Echo_sample is pro.sample.Echo
    with pytest.raises(pro.ExecuteError):
        pro.sample.Fail("execute_error")
    with pytest.raises(TypeError):
        pro.sample.Echo(txt="x")


def test_module_name_overrides_alias(pro):
    pro.AddToolbox(SAMPLE, "samp2")
    assert pro.samp2.Echo("x").getOutput(0) == "x"
    assert not hasattr(pro, "sample")
    with pytest.raises(ValueError):
        pro.ImportToolbox(SAMPLE, "management")   # would shadow arcpy.management


def test_bindings_removed_by_install(pro):
    pro.ImportToolbox(SAMPLE)
    arcpy = gp.install("pro")
    assert not hasattr(arcpy, "sample") and not hasattr(arcpy, "Echo_sample")


def test_import_of_broken_toolbox_raises(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="a", displayName="A", datatype="String")]
'''
    with pytest.raises(gp.ToolboxLoadError) as info:
        pro.ImportToolbox(write_pyt(tool_source(members)))
    assert "display name" in str(info.value)


def test_tool_calling_another_tool(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="path", displayName="Path", datatype="GPString",
                                parameterType="Required", direction="Input")]

    def execute(self, parameters, messages):
        arcpy.ImportToolbox(parameters[0].valueAsText)
        arcpy.sample.Echo("inner")
        messages.addGPMessages()
'''
    source = tool_source(members).replace(
        "\n    def execute(self, parameters, messages):\n        messages.addMessage(\"ran\")\n",
        "\n")
    outer = gp.load_toolbox(write_pyt(source))
    result = gp.run_tool(outer, "Tool", SAMPLE)
    assert "inner" in result.getMessages().split("\n")
    assert [h.tool for h in gp.history()] == ["Echo", "Tool"]
