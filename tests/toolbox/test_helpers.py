"""agsadmin_core.toolbox on its own: no arcpy, no HTTP, plain values in and out."""

import io
import os
import re
import sys

import pytest

from agsadmin_core import errors, toolbox
from agsadmin_core.services import ServiceResult


def _error_classes():
    found, todo = [], [errors.AdminError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


CLI_WORDS = re.compile(r"--[a-z]|agsadmin (login|services|stop)|'stop --journal'")
CORE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "agsadmin_core")


def _core_hint_sources():
    """Every hint written in the client core (the CLI's own hints may name its options)."""
    for name in sorted(os.listdir(CORE)):
        if name.endswith(".py") and name not in ("cli.py", "toolbox.py"):
            text = io.open(os.path.join(CORE, name), encoding="utf-8").read()
            for match in re.finditer(r"(?:hint=|default_hint = )\(?((?:\s*\"[^\"]*\")+)", text):
                yield name, "".join(re.findall(r'"([^"]*)"', match.group(1)))


def test_both_front_ends_word_the_same_actions():
    assert sorted(toolbox.TOOLBOX_WORDS) == sorted(errors.CLI_WORDS)


def test_core_hints_name_actions_not_command_line_options():
    hints = list(_core_hint_sources())
    assert len(hints) >= 10
    for name, hint in hints:
        assert not CLI_WORDS.search(hint), (name, hint)
        for key in re.findall(r"{(\w+)}", hint):
            assert key in errors.CLI_WORDS, (name, key)


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_default_hints_read_well_in_both_front_ends(cls):
    exc = cls("Something happened.", []) if cls is errors.BatchFailed \
        else cls("Something happened.")
    in_toolbox = toolbox.error_text(exc)
    assert not CLI_WORDS.search(in_toolbox) and "{" not in in_toolbox
    assert "{" not in str(exc)


def test_error_text_keeps_the_message_and_rewords_the_hint():
    exc = errors.RequestTimeout("The server did not answer within 60 s.")
    assert toolbox.error_text(exc) == ("The server did not answer within 60 s. The server may "
                                       "be busy; try again, or raise the Timeout with Create "
                                       "Connection File.")


def test_result_lines_and_summary():
    results = [ServiceResult("Maps/A.MapServer", "ok", "STARTED", "STOPPED", None),
               ServiceResult("Maps/B.MapServer", "skipped", "STOPPED", "STOPPED",
                             "already stopped"),
               ServiceResult("Maps/C.MapServer", "failed", "STARTED", None, "locked"),
               ServiceResult("Maps/D.MapServer", "cancelled", "STARTED", None,
                             "cancelled before it was stopped")]
    assert toolbox.result_lines(results, "stop") == [
        (0, "Maps/A.MapServer: stopped (STARTED -> STOPPED)"),
        (0, "Maps/B.MapServer: skipped, already stopped"),
        (2, "Maps/C.MapServer: could not be stopped: locked"),
        (1, "Maps/D.MapServer: cancelled, cancelled before it was stopped")]
    assert toolbox.summary_line(results, "stop") == \
        "4 services: 1 stopped, 1 skipped, 1 failed, 1 cancelled."
    assert toolbox.summary_line([], "start") == "No service needed to be started."


def test_batch_failure_lines_end_with_one_summary_error():
    results = [ServiceResult("Maps/A.MapServer", "ok", "STOPPED", "STARTED", None),
               ServiceResult("Maps/C.MapServer", "failed", "STOPPED", None, "locked")]
    lines = toolbox.failure_messages(errors.BatchFailed("x", results, operation="start"))
    assert lines[-1] == (2, "1 of 2 services could not be started (each is named above).")
    assert (2, "Maps/C.MapServer: could not be started: locked") in lines


def test_catalog_choices_keep_typed_values():
    catalog = toolbox.Catalog()
    catalog.folders, catalog.types = ["Maps"], ["MapServer"]
    catalog.services = ["Maps/A.MapServer"]
    assert catalog.choices(["Maps/A.MapServer", "*.GPServer"]) == \
        ["*", "Maps/*", "*.MapServer", "Maps/A.MapServer", "*.GPServer"]


def test_start_selection_rules():
    assert toolbox.check_start_selection(["Maps/*"], None, None, False) == []
    assert toolbox.check_start_selection([], None, "j.json", True) == []
    assert toolbox.check_start_selection([], "Maps", "j.json", True)[0].parameter == "journal"
    assert toolbox.check_start_selection([], None, None, False)[0].parameter == "services"


def test_connection_file_names():
    assert toolbox.connection_file_name("prod") == "prod.agsadmin.json"
    assert toolbox.connection_file_name("prod.json") == "prod.json"
    assert toolbox.connection_file_name("prod.AGSADMIN.JSON") == "prod.AGSADMIN.JSON"


def test_the_module_imports_no_arcpy_http_or_keyring():
    import subprocess
    code = ("import sys; import agsadmin_core.toolbox; "
            "print(sorted(m for m in ('arcpy', 'requests', 'keyring') if m in sys.modules))")
    out = subprocess.check_output([sys.executable, "-c", code], cwd=toolbox.os.path.dirname(
        toolbox.os.path.dirname(toolbox.__file__)))
    assert out.decode().strip() == "[]"
