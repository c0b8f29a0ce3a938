"""agsadmin site export / import: exit codes, --json, confirmation, and the failures a user can
cause, over real HTTP against the sandbox."""

import json
import os
import zipfile

import pytest

from agsadmin_core.site import BACKUP_NAME
from tests.conftest import CANARY_PASSWORD, CANARY_USER
from tests.core.test_cli import run
from tests.core.test_site_http import _with_a_broken_service


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    from agsadmin_core.session import RetryPolicy
    monkeypatch.setattr(RetryPolicy, "backoff", 0.01)
    monkeypatch.setattr(RetryPolicy, "max_pause", 0.05)


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)


def opts(url):
    return ["--server", url, "--user", CANARY_USER]


def no_secret(result):
    assert CANARY_PASSWORD not in result.out + result.err


def test_export_json_and_keep(sandbox, password, tmp_path):
    folder = str(tmp_path)
    for _ in range(3):
        sandbox.site.advance_clock(5)
        result = run(*(opts(sandbox.url) + ["--json", "site", "export", folder, "--keep", "2"]))
        assert result.code == 0, result.err
        no_secret(result)
    data = json.loads(result.out)
    assert os.path.dirname(data["path"]) == folder and data["size"] > 0
    assert len(data["removed"]) == 1
    assert len([n for n in os.listdir(folder) if BACKUP_NAME.match(n)]) == 2


def test_export_table_to_a_file_then_import_with_yes(sandbox, password, tmp_path):
    target = str(tmp_path / "site.agssite")
    result = run(*(opts(sandbox.url) + ["site", "export", target]))
    assert result.code == 0, result.err
    assert target in result.out and zipfile.is_zipfile(target)
    sandbox.site.services.create_folder("Scratch")
    result = run(*(opts(sandbox.url) + ["site", "import", target, "--yes", "--backup-to",
                                        str(tmp_path)]))
    assert result.code == 0, result.err
    assert "Imported" in result.out and "Backup of the site before the import" in result.out
    assert "Scratch" not in [f.name for f in sandbox.site.services.folders.values()]
    no_secret(result)


def test_import_without_a_terminal_needs_yes(sandbox, password, tmp_path):
    target = str(tmp_path / "site.agssite")
    assert run(*(opts(sandbox.url) + ["site", "export", target])).code == 0
    sandbox.clear_requests()
    result = run(*(opts(sandbox.url) + ["site", "import", target]))
    assert result.code == 2 and "--yes" in result.err and "Traceback" not in result.err
    assert not [r for r in sandbox.requests if r["path"].lower().endswith(("exportsite",
                                                                           "importsite"))]


def test_a_failed_part_is_exit_1_and_named(sandbox, password, tmp_path):
    good = str(tmp_path / "good.agssite")
    assert run(*(opts(sandbox.url) + ["site", "export", good])).code == 0
    bad = _with_a_broken_service(good, str(tmp_path / "bad.agssite"))
    result = run(*(opts(sandbox.url) + ["--json", "site", "import", bad, "--yes",
                                        "--no-backup"]))
    assert result.code == 1
    assert "services" in result.err and "Maps/Broken." in result.err
    data = json.loads(result.out)
    assert data["imported"] is False
    assert [p["name"] for p in data["parts"] if p["status"] == "failed"] == ["services"]


def test_a_web_adaptor_url_is_exit_2_naming_the_url_to_use(make_sandbox, password, tmp_path):
    sb = make_sandbox(web_adaptor="server")
    target = str(tmp_path / "site.agssite")
    assert run(*(opts(sb.url) + ["site", "export", target])).code == 0
    result = run(*(opts(sb.web_adaptor_url) + ["site", "import", target, "--yes"]))
    assert result.code == 2 and sb.url in result.err and "Traceback" not in result.err


def test_a_cut_download_is_exit_4_and_leaves_nothing(sandbox, password, tmp_path):
    sandbox.faults.add("cut", match="/exportSite/backups/", times=100)
    result = run(*(opts(sandbox.url) + ["site", "export", str(tmp_path)]))
    assert result.code == 4 and "stopped early" in result.err
    assert os.listdir(str(tmp_path)) == []


def test_usage_errors(sandbox, password, tmp_path):
    assert run(*(opts(sandbox.url) + ["site", "export", "--keep", "0"])).code == 2
    assert run(*(opts(sandbox.url) + ["site", "export", str(tmp_path / "a" / "b.agssite")]
                 )).code == 2
    assert run(*(opts(sandbox.url) + ["site", "import"])).code == 2
    junk = tmp_path / "junk.agssite"
    junk.write_text(u"not a zip")
    result = run(*(opts(sandbox.url) + ["site", "import", str(junk), "--yes"]))
    assert result.code == 2 and "not a readable" in result.err
