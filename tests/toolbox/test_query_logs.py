"""Query Logs end to end in Pro and ArcMap modes, against the sandbox's logs over HTTP."""

import datetime
import os
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import CANARY_PASSWORD
from tests.stubs import gp
from tests.toolbox.conftest import assert_no_secret_in_files, last_run_messages, \
    write_connection

FIELDS = ["OBJECTID", "TIME", "LEVEL", "CODE", "SOURCE", "MACHINE", "USER_NAME", "ELAPSED",
          "PROCESS", "THREAD", "METHOD", "REQUEST_ID", "MESSAGE"]


@pytest.fixture
def logs_site(make_sandbox):
    return make_sandbox(log_records=25000)


@pytest.fixture
def logs_conn(logs_site, tmp_path, memory_keyring):
    return write_connection(os.path.join(str(tmp_path), "logs.agsadmin.json"), logs_site,
                            memory_keyring)


def raw_records(sb, level="DEBUG"):
    from agsadmin_core.sandbox.models.logs import _message
    return [_message(r, sb.site.logs.has_request_ids) for r in sb.site.logs.all_records(level)]


def test_records_into_a_typed_table_with_a_report(tbx, logs_site, logs_conn, tmp_path):
    html = os.path.join(str(tmp_path), "logs.html")
    result = gp.run_tool(tbx, "QueryLogs", logs_conn, "SEVERE", "8d", out_report=html)
    table = gp.table(result.getOutput(0))
    assert table.field_names == FIELDS
    types = dict((f.name, f.type) for f in table.fields)
    assert (types["TIME"], types["CODE"], types["ELAPSED"], types["MESSAGE"]) == \
        ("Date", "Integer", "Double", "String")
    rows = table.as_dicts()
    expected = [r for r in raw_records(logs_site, "SEVERE")]
    assert len(rows) == len(expected) > 1000
    assert [r["CODE"] for r in rows] == [r["code"] for r in expected]
    assert all(isinstance(r["TIME"], datetime.datetime) for r in rows)
    assert result.getOutput(1) == html and result.getOutput(2) == str(len(rows))
    text = "\n".join(last_run_messages())
    assert "%d records written to" % len(rows) in text and "By level: SEVERE" in text
    assert ET.parse(html).getroot().find(".//{http://www.w3.org/2000/svg}svg") is not None
    assert gp.secret_leaks(CANARY_PASSWORD) == []
    assert_no_secret_in_files(CANARY_PASSWORD, str(tmp_path))


def test_progressor_follows_pages_and_filters_apply(tbx, logs_site, logs_conn):
    result = gp.run_tool(tbx, "QueryLogs", logs_conn, "DEBUG", "8d", services=["Maps/*"],
                         codes=["8001-8004", "100004"], text="map")
    rows = gp.table(result.getOutput(0)).as_dicts()
    assert rows and all(r["SOURCE"].startswith("Maps/") for r in rows)
    assert all(8001 <= r["CODE"] <= 8004 or r["CODE"] == 100004 for r in rows)
    assert all("map" in r["MESSAGE"].lower() for r in rows)
    labels = [e[1] for e in gp.progress_log() if e[0] == "SetProgressorLabel"]
    assert any("records read" in label for label in labels)


def test_cancel_between_pages_keeps_the_rows(tbx, logs_site, logs_conn):
    gp.cancel_after(1)   # cancelled once the first page is in
    result = gp.run_tool(tbx, "QueryLogs", logs_conn, "DEBUG", "8d")
    assert result.status == 8
    rows = gp.table(result.getOutput(0)).rows
    assert len(rows) == 10000
    text = "\n".join(last_run_messages())
    assert "keeps the 10000 records read before the cancel" in text


def test_a_server_error_on_page_3_fails_and_says_what_the_table_keeps(tbx, logs_site,
                                                                      logs_conn):
    logs_site.faults.add("envelope", match="logs/query", nth=3,
                         message="Injected page failure.")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "QueryLogs", logs_conn, "DEBUG", "8d")
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "Injected page failure." in errors[0]
    assert "stopped after" in errors[0] and "Traceback" not in errors[0]
    assert any("keeps the" in m and "records read before the error" in m
               for m in last_run_messages(severity=0))


def test_a_dbf_in_a_folder_cuts_text_to_254(tbx, logs_site, logs_conn, tmp_path):
    result = gp.run_tool(tbx, "QueryLogs", logs_conn, "SEVERE", "8d", limit=50,
                         out_table=os.path.join(str(tmp_path), "logs"))
    assert result.getOutput(0).endswith("logs.dbf")
    rows = gp.table(result.getOutput(0)).as_dicts()
    assert len(rows) == 50 and all(len(r["MESSAGE"]) <= 254 for r in rows)


def test_bad_times_and_codes_are_found_offline(tbx, offline_conn, no_network):
    params = gp.validate(tbx, "QueryLogs", edits=[("connection_file", offline_conn),
                                                  ("since", "soon"), ("codes", ["9-1"])])
    messages = params.messages()
    assert messages["since"][0] == 2 and "is not a time" in messages["since"][1]
    assert messages["codes"][0] == 2
    assert no_network == []
