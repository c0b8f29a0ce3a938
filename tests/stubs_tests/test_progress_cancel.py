"""Progressor recording and the cancellation simulation (sections 4.2, 4.3)."""
from __future__ import absolute_import

import pytest

from tests.stubs import gp
from tests.stubs_tests.conftest import SAMPLE, tool_source


def test_progressor_calls_are_recorded(sample):
    result = gp.run_tool(sample, "LongTask", 3)
    assert result.getOutput(0) == "3"
    assert gp.progress_log() == [
        ("SetProgressor", "step", "Working...", 0, 3, 1),
        ("SetProgressorLabel", "Step 1"), ("SetProgressorPosition", 1),
        ("SetProgressorLabel", "Step 2"), ("SetProgressorPosition", 2),
        ("SetProgressorLabel", "Step 3"), ("SetProgressorPosition", 3),
        ("ResetProgressor",),
    ]


def test_progressor_type_is_checked(pro):
    with pytest.raises(ValueError):
        pro.SetProgressor("Step")
    with pytest.raises(ValueError):
        pro.SetProgressor("step", "x", 10, 0)
    pro.SetProgressor("default", "Waiting")
    pro.SetProgressorPosition(5)
    assert gp.progress_log()[-1] == ("SetProgressorPosition", 5)


def test_cancel_with_auto_cancelling_stops_at_next_stub_call(sample):
    gp.cancel_after(2)
    with pytest.raises(gp.ExecuteError) as info:
        gp.run_tool(sample, "LongTask", 5, True)
    assert "aborted by user" in str(info.value)
    # The tool's code after the cancel never ran: no "after loop" journal entry.
    assert sample.module.AFTER_CANCEL == []
    labels = [e for e in gp.progress_log() if e[0] == "SetProgressorLabel"]
    assert len(labels) == 2
    assert gp.history()[-1].status == "Cancelled"


def test_cancel_with_auto_cancelling_off_lets_the_tool_clean_up(sample):
    gp.cancel_after(2)
    result = gp.run_tool(sample, "LongTask", 5, False)
    assert result.status == 8
    assert result.getOutput(0) == "2"
    assert "Stopped after 2 steps on request." in result.getMessages(1)
    assert sample.module.AFTER_CANCEL == [2]
    assert gp.history()[-1].status == "Cancelled"


def test_cancel_applies_to_the_next_run_only(sample):
    gp.cancel_after(1)
    gp.run_tool(sample, "LongTask", 3, False)
    result = gp.run_tool(sample, "LongTask", 3, False)
    assert result.status == 4 and result.getOutput(0) == "3"


def test_cancel_before_execute(sample):
    gp.cancel_after(0)
    result = gp.run_tool(sample, "LongTask", 3, False)
    assert result.getOutput(0) == "0" and result.status == 8


def test_cancel_is_not_swallowed_by_except_exception(pro, write_pyt):
    members = '''
    def execute(self, parameters, messages):
        try:
            arcpy.SetProgressorPosition()
            arcpy.AddMessage("after cancel")
        except Exception:
            arcpy.AddMessage("swallowed")
'''
    source = tool_source(members).replace(
        "\n    def execute(self, parameters, messages):\n        messages.addMessage(\"ran\")\n",
        "\n")
    tbx = gp.load_toolbox(write_pyt(source))
    gp.cancel_after(1)
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "Tool")
    texts = [m.text for m in gp.messages()]
    assert "after cancel" not in texts and "swallowed" not in texts


def test_cancel_without_further_stub_calls_still_fails(pro, write_pyt):
    members = '''
    def execute(self, parameters, messages):
        arcpy.SetProgressorPosition()
'''
    source = tool_source(members).replace(
        "\n    def execute(self, parameters, messages):\n        messages.addMessage(\"ran\")\n",
        "\n")
    gp.cancel_after(1)
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(gp.load_toolbox(write_pyt(source)), "Tool")


def test_cancel_in_arcmap_103_always_stops():
    try:
        gp.install("arcmap103")
        tbx = gp.load_toolbox(SAMPLE)
        gp.cancel_after(2)
        with pytest.raises(gp.ExecuteError):
            gp.run_tool(tbx, "LongTask", 5, False)
        assert tbx.module.AFTER_CANCEL == []
    finally:
        gp.uninstall()


def test_cancel_after_validates_its_argument(pro):
    with pytest.raises(ValueError):
        gp.cancel_after(-1)
