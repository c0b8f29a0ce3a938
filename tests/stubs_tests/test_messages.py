"""The messages object and the module message functions share one recorder (section 4.1)."""
from __future__ import absolute_import

import pytest

from tests.stubs import gp
from tests.stubs_tests.conftest import tool_source

ALL_KINDS = '''
    def execute(self, parameters, messages):
        messages.addMessage("info")
        messages.addWarningMessage("warn")
        messages.addIDMessage("WARNING", 117, "a", "b")
        arcpy.AddMessage("module info")
        arcpy.AddWarning("module warn")
        arcpy.AddIDMessage("INFORMATIVE", 1, "x")
        messages.addMessage("count=%d max=%d" % (arcpy.GetMessageCount(),
                                                 arcpy.GetMaxSeverity()))
        messages.addMessage("warnings=" + arcpy.GetMessages(1).replace("\\n", "|"))
'''


def _tbx(write_pyt, members):
    source = tool_source(members).replace(
        "\n    def execute(self, parameters, messages):\n        messages.addMessage(\"ran\")\n",
        "\n")
    return gp.load_toolbox(write_pyt(source))


def test_one_recorder_for_object_and_functions(pro, write_pyt):
    result = gp.run_tool(_tbx(write_pyt, ALL_KINDS), "Tool")
    tool = [(m.severity, m.text) for m in gp.messages(framework=False)]
    assert tool[:6] == [(0, "info"), (1, "warn"), (1, "WARNING 000117: a b"),
                        (0, "module info"), (1, "module warn"), (0, "INFORMATIVE 000001: x")]
    assert tool[6] == (0, "count=7 max=1")   # "Start Time" + 6 so far
    assert tool[7] == (0, "warnings=warn|WARNING 000117: a b|module warn")
    assert result.maxSeverity == 1
    assert result.getMessages(1).split("\n") == ["warn", "WARNING 000117: a b", "module warn"]
    assert gp.history()[-1].messages == list(gp.messages())


def test_messages_object_is_strict(pro, write_pyt):
    members = '''
    def execute(self, parameters, messages):
        messages.AddMessage("PascalCase is not the documented name")
'''
    with pytest.raises(gp.ExecuteError) as info:
        gp.run_tool(_tbx(write_pyt, members), "Tool")
    assert "AttributeError" in str(info.value) and "AddMessage" in str(info.value)


def test_add_error_message_never_raises(pro, write_pyt):
    members = '''
    def execute(self, parameters, messages):
        messages.addErrorMessage("first")
        messages.addMessage("still running")
'''
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(_tbx(write_pyt, members), "Tool")
    texts = [m.text for m in gp.messages(framework=False)]
    assert texts == ["first", "still running"]


def test_bad_id_message_type(pro):
    with pytest.raises(ValueError):
        pro.AddIDMessage("ERR", 1)


def test_functions_outside_a_run(pro):
    pro.AddWarning("loose")
    assert gp.messages() == [(1, "loose")]
    assert pro.GetMessageCount() == 0     # no tool has run yet


def test_add_return_message_and_gp_messages(pro, write_pyt):
    members = '''
    def execute(self, parameters, messages):
        try:
            arcpy.management.GetCount("memory/missing")
        except arcpy.ExecuteError:
            for index in range(arcpy.GetMessageCount()):
                pass
            messages.addGPMessages()
            arcpy.AddReturnMessage(1)
'''
    with pytest.raises(gp.ExecuteError) as info:
        gp.run_tool(_tbx(write_pyt, members), "Tool")
    assert str(info.value).count("000732") == 2


def test_set_log_history_only_affects_nested_tools(pro, write_pyt):
    members = '''
    def execute(self, parameters, messages):
        arcpy.SetLogHistory(False)
        arcpy.management.CreateTable("memory", "T")
'''
    gp.run_tool(_tbx(write_pyt, members), "Tool")
    assert [h.tool for h in gp.history()] == ["Tool"]
