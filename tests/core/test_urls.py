"""What admins paste as a server URL, and what the core derives from it."""

import pytest

from agsadmin_core.errors import InvalidInput
from agsadmin_core.urls import parse_portal_url, parse_server_url, strip_secrets


@pytest.mark.parametrize("pasted, site", [
    ("https://gis.example.com:6443/arcgis", "https://gis.example.com:6443/arcgis"),
    ("https://gis.example.com:6443/arcgis/admin", "https://gis.example.com:6443/arcgis"),
    ("https://gis.example.com:6443/arcgis/admin/", "https://gis.example.com:6443/arcgis"),
    ("http://gis.example.com:6080/arcgis", "http://gis.example.com:6080/arcgis"),
    ("https://gis.example.com/server", "https://gis.example.com/server"),
    ("https://gis.example.com/server/rest/services/Maps", "https://gis.example.com/server"),
    ("https://GIS.example.com:6443/arcgis/manager/", "https://GIS.example.com:6443/arcgis"),
    ("  https://gis.example.com:6443/arcgis/admin/?f=pjson  ",
     "https://gis.example.com:6443/arcgis"),
    ("https://gis.example.com:6443", "https://gis.example.com:6443/arcgis"),
    ("gis.example.com:6080/arcgis", "http://gis.example.com:6080/arcgis"),
    ("gis.example.com:6443/arcgis", "https://gis.example.com:6443/arcgis"),
])
def test_pasted_forms_name_one_site(pasted, site):
    urls = parse_server_url(pasted)
    assert urls.site == site
    assert urls.admin == site + "/admin"
    assert urls.rest == site + "/rest"
    assert urls.tokens == site + "/tokens/generateToken"


def test_loopback_detection():
    assert parse_server_url("http://127.0.0.1:6080/arcgis").is_loopback
    assert parse_server_url("http://localhost:6080/arcgis").is_loopback
    assert not parse_server_url("http://gis.example.com:6080/arcgis").is_loopback


@pytest.mark.parametrize("bad", ["", "   ", "ftp://gis.example.com/arcgis", "https://"])
def test_bad_urls_are_refused_before_any_request(bad):
    with pytest.raises(InvalidInput):
        parse_server_url(bad)


def test_portal_url_forms():
    want = "https://portal.example.com/portal/sharing/rest/generateToken"
    for pasted in ("https://portal.example.com/portal", "https://portal.example.com/portal/",
                   "https://portal.example.com/portal/home/index.html",
                   "https://portal.example.com/portal/sharing/rest"):
        assert parse_portal_url(pasted) == want


def test_strip_secrets_drops_the_query():
    assert strip_secrets("https://h/arcgis/admin/x?token=abc&f=json") == "https://h/arcgis/admin/x"
