"""agsadmin delete, rename and restore: exit codes, confirmation, --json, canary secrets."""

import io
import json
import os

from tests.conftest import CANARY_PASSWORD
from tests.core.test_cli import quick_retries, run, site  # noqa: F401 - fixtures


def test_delete_needs_a_backup_choice_and_yes_without_a_terminal(sandbox, site, tmp_path):
    no_choice = run(*(site + ["delete", "Maps/*"]))
    assert no_choice.code == 2 and "--backup-dir" in no_choice.err
    no_yes = run(*(site + ["delete", "Maps/*", "--backup-dir", str(tmp_path)]))
    assert no_yes.code == 2 and "--yes" in no_yes.err and "Traceback" not in no_yes.err
    both = run(*(site + ["delete", "Maps/*", "--backup-dir", str(tmp_path), "--no-backup"]))
    assert both.code == 2
    assert "Maps/Parcels.MapServer" in sandbox.site.service_refs()
    assert os.listdir(str(tmp_path)) == []


def test_delete_table_then_restore_json(sandbox, site, tmp_path):
    done = run(*(site + ["delete", "Maps/Roads.MapServer", "--backup-dir", str(tmp_path),
                         "--yes"]))
    assert done.code == 0, done.err
    assert "Maps/Roads.MapServer" in done.out and "Backups: " in done.out
    assert "Maps/Roads.MapServer" not in sandbox.site.service_refs()
    backup = os.path.join(str(tmp_path), os.listdir(str(tmp_path))[0])
    restored = run(*(site + ["--json", "restore", backup, "--yes"]))
    assert restored.code == 0, restored.err
    data = json.loads(restored.out)
    assert data["operation"] == "restore" and data["results"][0]["status"] == "ok"
    assert "Maps/Roads.MapServer" in sandbox.site.service_refs()
    assert CANARY_PASSWORD not in done.out + done.err + restored.out + restored.err


def test_delete_json_carries_the_backup_and_failures_exit_1(sandbox, site, tmp_path):
    sandbox.faults.add("envelope", match="Zoning.MapServer/delete", message="Refused here.")
    result = run(*(site + ["--json", "delete", "Maps/Roads.MapServer", "Maps/Zoning.MapServer",
                           "--backup-dir", str(tmp_path), "--yes", "--no-batch"]))
    assert result.code == 1
    data = json.loads(result.out)
    assert data["backup"].startswith(str(tmp_path))
    assert dict((r["service"], r["status"]) for r in data["results"]) == \
        {"Maps/Roads.MapServer": "ok", "Maps/Zoning.MapServer": "failed"}
    assert "Refused here." in result.err


def test_delete_asks_on_a_terminal(sandbox, site, tmp_path, monkeypatch):
    from agsadmin_core.cli import delete as command
    monkeypatch.setattr(command, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(u"n\n"))
    said_no = run(*(site + ["delete", "Maps/*", "--backup-dir", str(tmp_path)]))
    assert said_no.code == 130
    assert "Maps/Zoning.MapServer" in said_no.err and "[y/N]" in said_no.err
    assert "Maps/Zoning.MapServer" in sandbox.site.service_refs()
    monkeypatch.setattr("sys.stdin", io.StringIO(u"y\n"))
    said_yes = run(*(site + ["delete", "Maps/*", "--backup-dir", str(tmp_path)]))
    assert said_yes.code == 0, said_yes.err
    assert "Maps/Zoning.MapServer" not in sandbox.site.service_refs()


def test_delete_protected_and_dry_run(sandbox, site, tmp_path):
    protected = run(*(site + ["delete", "Utilities/*", "--no-backup", "--yes"]))
    assert protected.code == 2 and "--force-protected" in protected.err
    plan = run(*(site + ["delete", "Maps/*", "--backup-dir", str(tmp_path), "--dry-run"]))
    assert plan.code == 0 and "planned" in plan.out
    assert "Maps/Parcels.MapServer" in sandbox.site.service_refs()


def test_rename_prints_the_new_name_and_url(sandbox, site):
    result = run(*(site + ["rename", "Maps/Parcels.MapServer", "Parcels2026"]))
    assert result.code == 0, result.err
    assert "Maps/Parcels2026.MapServer" in result.out
    assert sandbox.url + "/rest/services/Maps/Parcels2026/MapServer" in result.out
    data = json.loads(run(*(site + ["--json", "rename", "Maps/Roads.MapServer", "Streets",
                                    "--dry-run"])).out)
    assert data["service"] == "Maps/Streets.MapServer" and data["dry_run"] is True
    taken = run(*(site + ["rename", "Maps/Zoning.MapServer", "Parcels2026"]))
    assert taken.code == 2 and "already exists" in taken.err
    missing = run(*(site + ["rename", "Maps/Nope.MapServer", "X"]))
    assert missing.code == 1 and "does not exist" in missing.err


def test_restore_of_a_folder_that_is_no_backup_is_exit_2(site, tmp_path):
    result = run(*(site + ["restore", str(tmp_path), "--yes"]))
    assert result.code == 2 and "backup" in result.err
