"""Service names, glob patterns, folders and list files."""

import pytest

from agsadmin_core.errors import InvalidInput
from agsadmin_core.selection import Selector, ServiceRef, parse_ref

MAPS_PARCELS = ServiceRef("Maps", "Parcels", "MapServer")
ROOT_CITIES = ServiceRef("", "SampleWorldCities", "MapServer")
GEOMETRY = ServiceRef("Utilities", "Geometry", "GeometryServer")
HOSTED = ServiceRef("Hosted", "Roads", "FeatureServer")


def test_parse_ref_forms():
    assert parse_ref("Maps/Parcels.MapServer") == MAPS_PARCELS
    assert parse_ref("SampleWorldCities.MapServer") == ROOT_CITIES
    assert parse_ref("/SampleWorldCities.MapServer") == ROOT_CITIES
    assert str(MAPS_PARCELS) == "Maps/Parcels.MapServer"
    assert MAPS_PARCELS.admin_path == "services/Maps/Parcels.MapServer"


@pytest.mark.parametrize("bad", ["Parcels", "a/b/c.MapServer", "", "Maps/.MapServer"])
def test_parse_ref_refuses_what_is_not_a_service(bad):
    with pytest.raises(InvalidInput):
        parse_ref(bad)


def select(patterns, ref, folder=None, is_default=False):
    return Selector(patterns, folder).matches(ref, is_default)


def test_exact_names_and_globs_are_case_insensitive():
    assert select(["maps/parcels.mapserver"], MAPS_PARCELS)
    assert select(["Maps/*"], MAPS_PARCELS)
    assert select(["*.MapServer"], MAPS_PARCELS)
    assert select(["*/Parc*"], MAPS_PARCELS)
    assert select(["*"], MAPS_PARCELS)
    assert not select(["Maps/*"], ROOT_CITIES)
    assert select(["SampleWorldCities.MapServer"], ROOT_CITIES)
    assert not select(["Parcels.MapServer"], MAPS_PARCELS)  # a root name is not a folder's


def test_a_name_without_type_means_any_type():
    assert select(["Maps/Parcels"], MAPS_PARCELS)
    assert select(["SampleWorldCities"], ROOT_CITIES)


def test_system_utilities_hosted_only_when_named():
    for protected in (GEOMETRY, HOSTED):
        assert not select(["*"], protected)
        assert not select(["*.GeometryServer", "*.FeatureServer"], protected)
        assert select([str(protected)], protected)
        assert select([protected.folder + "/*"], protected)
        assert select(None, protected, folder=protected.folder)
    assert not select(["*"], ROOT_CITIES, is_default=True)


def test_folder_option_limits_the_selection():
    assert select(None, MAPS_PARCELS, folder="maps")
    assert not select(None, ROOT_CITIES, folder="Maps")
    assert not select(["*"], ROOT_CITIES, folder="Maps")


def test_folders_needed_reads_only_what_patterns_can_reach():
    folders = ["", "Maps", "Editing", "System"]
    assert Selector(["Maps/*"]).folders_needed(folders) == ["Maps"]
    assert Selector(["Root.MapServer"]).folders_needed(folders) == [""]
    assert Selector(["*.MapServer"]).folders_needed(folders) == folders
    assert Selector(["M*/*"]).folders_needed(folders) == ["Maps"]
    assert Selector(None, "editing").folders_needed(folders) == ["Editing"]


def test_unmatched_patterns_are_reported():
    selector = Selector(["Maps/*", "Nope/*"])
    selector.matches(MAPS_PARCELS)
    assert selector.unmatched() == ["Nope/*"]


def test_list_file(tmp_path):
    listing = tmp_path / "services.txt"
    listing.write_text(u"# nightly load\nMaps/Parcels.MapServer\n\n  Editing/*  # all\n")
    selector = Selector(["@" + str(listing)])
    assert selector.patterns == ["Maps/Parcels.MapServer", "Editing/*"]


def test_missing_list_file_is_invalid_input(tmp_path):
    with pytest.raises(InvalidInput):
        Selector(["@" + str(tmp_path / "missing.txt")])


def test_deep_paths_are_refused():
    with pytest.raises(InvalidInput):
        Selector(["a/b/c"])
    with pytest.raises(InvalidInput):
        Selector(None, folder="a/b")


def test_include_protected_lists_the_whole_site_but_patterns_keep_their_rule():
    everything = Selector(None, include_protected=True)
    assert everything.matches(GEOMETRY) and everything.matches(HOSTED)
    assert not Selector(["*"], include_protected=True).matches(GEOMETRY)
