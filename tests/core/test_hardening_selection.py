# -*- coding: utf-8 -*-
"""Issue 8, defects 1, 9 and 11: an empty selection is an error everywhere, never "every
service"; a string is one pattern; list files take a BOM and never echo their content."""

import io

import pytest

from agsadmin_core.errors import InvalidInput
from agsadmin_core.selection import Selector, read_list_file
from tests.conftest import CANARY_PASSWORD
from tests.core.test_cli import run, site  # noqa: F401 - site is a fixture


def write(path, text, bom=False):
    with io.open(str(path), "w", encoding="utf-8-sig" if bom else "utf-8") as handle:
        handle.write(text)
    return str(path)


@pytest.fixture
def empty_lists(tmp_path):
    return {"empty": write(tmp_path / "empty.txt", u""),
            "comments": write(tmp_path / "comments.txt", u"# nightly list\n\n   # none yet\n"),
            "bom-only": write(tmp_path / "bom.txt", u"\n", bom=True)}


def empty_selections(lists):
    return [[""], [" "], ["", "  "], [None], "", " ", ["@" + lists["empty"]],
            ["@" + lists["comments"]], "@" + lists["bom-only"], ["", "@" + lists["comments"]]]


def test_every_empty_selection_is_invalid_input(empty_lists):
    for patterns in empty_selections(empty_lists):
        with pytest.raises(InvalidInput) as info:
            Selector(patterns)
        assert "'*'" in str(info.value), patterns


def test_no_patterns_at_all_still_means_a_listing_or_a_folder():
    assert Selector(None).patterns == [] and Selector([]).patterns == []
    assert Selector([], folder="Maps").folder == "Maps"


def test_a_string_is_one_pattern_not_its_characters():
    assert Selector("Maps/Parcels.MapServer").patterns == ["Maps/Parcels.MapServer"]
    assert Selector(u"*").patterns == [u"*"]


def test_a_list_file_with_a_bom_keeps_its_first_entry(tmp_path):
    path = write(tmp_path / "list.txt", u"Maps/Parcels.MapServer\nMaps/Roads.MapServer\n",
                 bom=True)
    assert read_list_file(path) == ["Maps/Parcels.MapServer", "Maps/Roads.MapServer"]


def test_non_ascii_names_are_names(tmp_path):
    path = write(tmp_path / "list.txt", u"Cartes/Café.MapServer\n日本/*\n")
    assert read_list_file(path) == [u"Cartes/Café.MapServer", u"日本/*"]
    assert Selector([u"Café/*"]).patterns == [u"Café/*"]


@pytest.mark.parametrize("content", [
    u"root:$6$%s:19000:0:99999:7:::\n" % CANARY_PASSWORD,
    u"Maps/Parcels.MapServer\npassword = %s\n" % CANARY_PASSWORD,
    u"-----BEGIN PRIVATE KEY-----\n%s==\n" % CANARY_PASSWORD,
    u"a/b/%s\n" % CANARY_PASSWORD.replace("!", ""),
])
def test_a_foreign_file_is_refused_by_line_number_without_its_content(tmp_path, content):
    path = write(tmp_path / "shadow", content)
    with pytest.raises(InvalidInput) as info:
        Selector(["@" + path])
    text = str(info.value)
    assert "Line " in text and "is not a service name or pattern" in text
    assert CANARY_PASSWORD not in text and CANARY_PASSWORD.replace("!", "") not in text


def test_a_binary_or_missing_list_file_is_one_sentence(tmp_path):
    path = str(tmp_path / "blob.bin")
    with open(path, "wb") as handle:
        handle.write(b"\xff\xfe\x00\x81" + CANARY_PASSWORD.encode("ascii"))
    with pytest.raises(InvalidInput) as info:
        Selector(["@" + path])
    assert "not UTF-8" in str(info.value) and CANARY_PASSWORD not in str(info.value)
    with pytest.raises(InvalidInput):
        Selector(["@" + str(tmp_path / "missing.txt")])


@pytest.mark.parametrize("bad", [[5], [b"\xff"], object(), [["Maps/*"]], 7])
def test_entries_that_are_not_text_are_invalid_input(bad):
    with pytest.raises(InvalidInput):
        Selector(bad)


# -- over real HTTP: nothing changes on the server ----------------------------------------


def snapshot(sb):
    return dict((ref, sb.site.service_state(ref)) for ref in sb.site.service_refs())


def changes(sb):
    return [r for r in sb.requests
            if r["path"].rsplit("/", 1)[-1] in ("stop", "start", "stopServices",
                                                "startServices")]


def test_stop_and_start_of_an_empty_selection_change_nothing(sandbox, connect, empty_lists):
    server = connect()
    before = snapshot(sandbox)
    sandbox.clear_requests()
    for patterns in empty_selections(empty_lists):
        for verb in (server.services.stop, server.services.start):
            with pytest.raises(InvalidInput):
                verb(patterns)
            with pytest.raises(InvalidInput):
                verb(patterns, folder="Maps")
    assert changes(sandbox) == []
    assert snapshot(sandbox) == before


def test_stop_of_a_string_stops_exactly_that_service(sandbox, connect):
    server = connect()
    before = snapshot(sandbox)
    results = server.services.stop("Maps/Parcels.MapServer")
    assert [r.service for r in results] == ["Maps/Parcels.MapServer"]
    after = snapshot(sandbox)
    assert after["Maps/Parcels.MapServer"] == ("STOPPED", "STOPPED")
    del before["Maps/Parcels.MapServer"], after["Maps/Parcels.MapServer"]
    assert after == before


def test_cli_stop_of_nothing_exits_2_and_changes_nothing(sandbox, site, empty_lists):
    before = snapshot(sandbox)
    for args in (["stop", ""], ["stop", " "], ["start", ""],
                 ["stop", "@" + empty_lists["comments"]], ["stop", "--folder", "Maps", ""]):
        result = run(*(site + args))
        assert result.code == 2, (args, result.err)
        assert "'*'" in result.err and "Traceback" not in result.err
    assert snapshot(sandbox) == before
