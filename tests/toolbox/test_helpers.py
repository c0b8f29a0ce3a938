"""agsadmin_core.gp on its own: no arcpy, no HTTP, plain values in and out."""

import io
import os
import re
import sys

import pytest

from agsadmin_core import errors
from agsadmin_core.gp import messages, picker, validation
from agsadmin_core.journal import Journal
from agsadmin_core.results import BatchResult, ServiceResult


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
        if name.endswith(".py"):   # the package's own modules; cli/ and gp/ word for themselves
            text = io.open(os.path.join(CORE, name), encoding="utf-8").read()
            for match in re.finditer(r"(?:hint=|default_hint = )\(?((?:\s*\"[^\"]*\")+)", text):
                yield name, "".join(re.findall(r'"([^"]*)"', match.group(1)))


def test_both_front_ends_word_the_same_actions():
    assert sorted(messages.TOOLBOX_WORDS) == sorted(errors.CLI_WORDS)


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
    in_toolbox = messages.error_text(exc)
    assert not CLI_WORDS.search(in_toolbox) and "{" not in in_toolbox
    assert "{" not in str(exc)


def test_error_text_keeps_the_message_and_rewords_the_hint():
    exc = errors.RequestTimeout("The server did not answer within 60 s.")
    assert messages.error_text(exc) == ("The server did not answer within 60 s. The server may "
                                       "be busy; try again, or raise the Timeout with Create "
                                       "Connection File.")


def _result(operation, done_word, results, journal=None):
    return BatchResult(operation, results, done_word, journal)


def test_result_lines_and_summary_come_from_the_batch_result():
    result = _result("stop", "stopped", [
        ServiceResult("Maps/A.MapServer", "ok", "STARTED", "STOPPED", None),
        ServiceResult("Maps/B.MapServer", "skipped", "STOPPED", "STOPPED", "already stopped"),
        ServiceResult("Maps/C.MapServer", "failed", "STARTED", None, "locked"),
        ServiceResult("Maps/D.MapServer", "cancelled", "STARTED", None,
                      "cancelled before it was stopped")])
    assert messages.result_lines(result) == [
        (0, "Maps/A.MapServer: stopped (STARTED -> STOPPED)"),
        (0, "Maps/B.MapServer: skipped, already stopped"),
        (2, "Maps/C.MapServer: could not be stopped: locked"),
        (1, "Maps/D.MapServer: cancelled, cancelled before it was stopped")]
    assert messages.summary_line(result) == \
        "4 services: 1 stopped, 1 skipped, 1 failed, 1 cancelled."
    # The operation's own past tense: a later "delete" reads "deleted" with no new code.
    assert messages.summary_line(_result("delete", "deleted", [
        ServiceResult("Maps/A.MapServer", "ok", "STOPPED", None, None)])) == \
        "1 services: 1 deleted."
    assert messages.summary_line(_result("start", "started", [])) == \
        "No service needed to be started."


def test_batch_failure_lines_end_with_one_summary_error():
    result = _result("start", "started", [
        ServiceResult("Maps/A.MapServer", "ok", "STOPPED", "STARTED", None),
        ServiceResult("Maps/C.MapServer", "failed", "STOPPED", None, "locked")])
    lines = messages.failure_lines(errors.BatchFailed("x", result))
    assert lines[-1] == (2, "1 of 2 services could not be started (each is named above).")
    assert (2, "Maps/C.MapServer: could not be started: locked") in lines
    assert messages.failure_lines(errors.NotFound("No such folder.")) == \
        [(2, "No such folder. List what exists with the List Services tool.")]


def test_journal_lines_are_read_from_the_object_in_memory(tmp_path):
    path = os.path.join(str(tmp_path), "never-written.json")
    journal = Journal(path, "https://gis.example.com/arcgis")
    journal.entries["Maps/A.MapServer"] = {"service": "Maps/A.MapServer", "state": "stopped"}
    journal.entries["Maps/B.MapServer"] = {"service": "Maps/B.MapServer",
                                           "state": "restarted"}
    notes = messages.journal_notes(journal, "Restart it.")
    assert notes == [(0, "Journal %s:" % path),
                     (0, "  Maps/A.MapServer: stopped by this journal, not restarted yet"),
                     (0, "  Maps/B.MapServer: restarted"), (0, "Restart it.")]
    assert not os.path.exists(path)   # described from memory; no file was read or written
    journal.entries["Maps/A.MapServer"]["state"] = "restarted"
    assert messages.journal_notes(journal, "Restart it.") == []   # nothing left to say
    assert messages.journal_notes(None, "Restart it.") == []


def test_a_cancel_without_a_journal_names_what_was_handled():
    result = _result("start", "started", [
        ServiceResult("Maps/A.MapServer", "ok", "STOPPED", "STARTED", None),
        ServiceResult("Maps/B.MapServer", "cancelled", "STOPPED", None, "cancelled")])
    lines = messages.cancel_lines(errors.Cancelled("Cancelled: 1 of 2.", result=result))
    assert lines == [(1, "Cancelled: 1 of 2."),
                     (0, "Handled before the cancel: Maps/A.MapServer.")]


def test_catalog_choices_keep_typed_values():
    catalog = picker.Catalog()
    catalog.folders, catalog.types = ["Maps"], ["MapServer"]
    catalog.services = ["Maps/A.MapServer"]
    assert catalog.choices(["Maps/A.MapServer", "*.GPServer"]) == \
        ["*", "Maps/*", "*.MapServer", "Maps/A.MapServer", "*.GPServer"]


def test_start_selection_rules():
    assert validation.check_start_selection(["Maps/*"], None, None, False) == []
    assert validation.check_start_selection([], None, "j.json", True) == []
    assert validation.check_start_selection([], "Maps", "j.json", True)[0].parameter == "journal"
    assert validation.check_start_selection([], None, None, False)[0].parameter == "services"


def test_connection_file_names():
    assert validation.connection_file_name("prod") == "prod.agsadmin.json"
    assert validation.connection_file_name("prod.json") == "prod.json"
    assert validation.connection_file_name("prod.AGSADMIN.JSON") == "prod.AGSADMIN.JSON"


@pytest.mark.parametrize("module", ["validation", "picker", "messages", "tables", "tools"])
def test_the_package_imports_no_arcpy_http_or_keyring(module):
    import subprocess
    code = ("import sys; import agsadmin_core.gp.%s; "
            "print(sorted(m for m in ('arcpy', 'requests', 'keyring') if m in sys.modules))"
            % module)
    out = subprocess.check_output([sys.executable, "-c", code], cwd=os.path.dirname(CORE))
    assert out.decode().strip() == "[]"
