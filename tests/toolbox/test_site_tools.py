"""Export Site and Import Site end to end, through the stand-in's life cycle, against the sandbox."""

import os
import zipfile

import pytest

from tests.conftest import CANARY_PASSWORD
from tests.stubs import gp
from tests.toolbox.conftest import assert_no_secret_in_files, last_run_messages, \
    write_connection


def test_export_site_writes_the_backup_and_the_derived_output(tbx, conn, tmp_path):
    out = os.path.join(str(tmp_path), "site.agssite")
    result = gp.run_tool(tbx, "ExportSite", conn, out)
    assert zipfile.is_zipfile(out)
    assert [result.getOutput(i) for i in range(result.outputCount)] == [out, out]
    assert "Site backup written: %s" % out in "\n".join(last_run_messages())
    assert gp.secret_leaks(CANARY_PASSWORD) == []
    assert_no_secret_in_files(CANARY_PASSWORD, str(tmp_path))


def test_export_site_cut_download_fails_and_keeps_nothing(tbx, conn, sandbox, tmp_path):
    sandbox.faults.add("cut", match="/exportSite/backups/", times=100)
    out = os.path.join(str(tmp_path), "site.agssite")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "ExportSite", conn, out)
    assert os.listdir(str(tmp_path)) == ["site.agsadmin.json"]
    errors = "\n".join(last_run_messages(severity=2))
    assert "stopped early" in errors and "Traceback" not in errors


def test_import_site_restores_and_outputs_the_backup_and_imported(tbx, conn, sandbox, tmp_path):
    out = os.path.join(str(tmp_path), "site.agssite")
    gp.run_tool(tbx, "ExportSite", conn, out)
    sandbox.site.services.create_folder("Scratch")
    folder = str(tmp_path / "before")
    os.mkdir(folder)
    result = gp.run_tool(tbx, "ImportSite", conn, out, folder)
    assert "Scratch" not in [f.name for f in sandbox.site.services.folders.values()]
    written = os.listdir(folder)
    assert len(written) == 1 and written[0].endswith("-UTC.agssite")
    outputs = [result.getOutput(i) for i in range(result.outputCount)]
    assert outputs == [os.path.join(folder, written[0]), "true"]
    text = "\n".join(last_run_messages())
    assert "services: ok" in text and "Imported" in text


def test_import_site_through_a_web_adaptor_is_refused(tbx, make_sandbox, memory_keyring,
                                                      tmp_path):
    sb = make_sandbox(web_adaptor="server")
    conn = write_connection(os.path.join(str(tmp_path), "wa.agsadmin.json"), sb, memory_keyring)
    out = os.path.join(str(tmp_path), "site.agssite")
    gp.run_tool(tbx, "ExportSite", conn, out)
    through = _FakeSite(sb.web_adaptor_url)
    wa_conn = write_connection(os.path.join(str(tmp_path), "through.agsadmin.json"), through,
                               memory_keyring)
    before = str(tmp_path / "before")
    os.mkdir(before)
    sb.clear_requests()
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "ImportSite", wa_conn, out, before)
    errors = "\n".join(last_run_messages(severity=2))
    assert sb.url in errors and "Web Adaptor" in errors and "Traceback" not in errors
    assert os.listdir(before) == []
    assert not [r for r in sb.requests if r["path"].lower().endswith(("exportsite",
                                                                        "importsite"))]


def test_import_site_failed_part_fails_and_names_it(tbx, conn, tmp_path):
    from tests.core.test_site_http import _with_a_broken_service
    good = os.path.join(str(tmp_path), "good.agssite")
    gp.run_tool(tbx, "ExportSite", conn, good)
    bad = _with_a_broken_service(good, os.path.join(str(tmp_path), "bad.agssite"))
    before = str(tmp_path / "before")
    os.mkdir(before)
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "ImportSite", conn, bad, before)
    errors = "\n".join(last_run_messages(severity=2))
    assert "services: failed" in errors and "Maps/Broken." in errors
    assert os.listdir(before)   # the site before the import is kept, and said so
    assert before in errors


class _FakeSite(object):
    """What write_connection needs of a sandbox: the URL to connect to."""

    def __init__(self, url):
        self.url = url
