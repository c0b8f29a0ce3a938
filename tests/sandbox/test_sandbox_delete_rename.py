"""The sandbox's delete, rename and createService over HTTP: directories, children, errors, faults."""

from __future__ import absolute_import, unicode_literals

import json

import pytest
import requests


NOT_FOUND = "Could not find resource or operation '%s' on the system."


def rest(sb, admin, path):
    return requests.get(sb.url + "/rest/services" + path,
                        params={"f": "json", "token": admin.default_token}).json()


def rest_names(sb, admin, folder):
    return [(s["name"], s["type"]) for s in rest(sb, admin, "/" + folder)["services"]]


def test_delete_removes_the_service_from_both_directories_and_its_urls_answer_404(sb, admin):
    assert ("Maps/Roads", "MapServer") in rest_names(sb, admin, "Maps")
    assert admin.ok("/services/Maps/Roads.MapServer/delete") == {"status": "success"}
    listed = [s["serviceName"] for s in admin.ok("/services/Maps")["services"]]
    assert "Roads" not in listed
    assert ("Maps/Roads", "MapServer") not in rest_names(sb, admin, "Maps")
    for child in ("", "/status", "/iteminfo", "/permissions", "/delete"):
        body = admin.ok("/services/Maps/Roads.MapServer" + child)
        assert body == {"status": "error", "messages": [NOT_FOUND % "Roads.MapServer"],
                        "code": 404}
    assert rest(sb, admin, "/Maps/Roads/MapServer")["error"]["code"] == 404


def test_delete_services_batch_is_10_7_1_and_refuses_default_services(make_sb, make_admin):
    old = make_admin(make_sb(version="10.7"))
    body = old.ok("/services/deleteServices", services=json.dumps({"services": []}))
    assert body["code"] == 404
    sb = make_sb(version="10.7.1")
    admin = make_admin(sb)
    both = [{"folderName": "Maps", "serviceName": "Roads", "type": "MapServer"},
            {"folderName": "Utilities", "serviceName": "Geometry", "type": "GeometryServer"}]
    body = admin.ok("/services/deleteServices", services=json.dumps({"services": both}))
    assert body["status"] == "error" and "Utilities/Geometry.GeometryServer" in body["messages"][0]
    assert "Maps/Roads.MapServer" not in sb.site.service_refs()
    assert "Utilities/Geometry.GeometryServer" in sb.site.service_refs()


def test_rename_on_the_folder_moves_everything_and_keeps_the_state(sb, admin):
    before = admin.ok("/services/Maps/Parcels.MapServer")
    children = [admin.ok("/services/Maps/Parcels.MapServer/" + c)
                for c in ("iteminfo", "permissions", "iteminfo/manifest/manifest.json")]
    assert admin.ok("/services/Maps/renameService", serviceName="Parcels",
                    serviceType="MapServer", serviceNewName="Parcels2026") == {"status": "success"}
    after = admin.ok("/services/Maps/Parcels2026.MapServer")
    assert after["serviceName"] == "Parcels2026"
    assert dict(after, serviceName="Parcels") == before
    assert [admin.ok("/services/Maps/Parcels2026.MapServer/" + c)
            for c in ("iteminfo", "permissions", "iteminfo/manifest/manifest.json")] == children
    assert sb.site.service_state("Maps/Parcels2026.MapServer") == ("STARTED", "STARTED")
    assert admin.ok("/services/Maps/Parcels.MapServer")["code"] == 404
    names = rest_names(sb, admin, "Maps")
    assert ("Maps/Parcels2026", "MapServer") in names and ("Maps/Parcels", "MapServer") not in names


def test_rename_of_a_folder_service_through_the_root_is_not_found(sb, admin):
    body = admin.ok("/services/renameService", serviceName="Parcels", serviceType="MapServer",
                    serviceNewName="Other")
    assert body == {"status": "error", "messages": [NOT_FOUND % "Parcels.MapServer"], "code": 404}
    # `/services//renameService` (KTK's root form) is the root too, and renames a root service.
    assert admin.ok("/services//renameService", serviceName="SampleWorldCities",
                    serviceType="MapServer", serviceNewName="Cities") == {"status": "success"}
    assert "Cities.MapServer" in sb.site.service_refs()


@pytest.mark.parametrize("fields, code, text", [
    (dict(serviceName="Parcels", serviceType="MapServer", serviceNewName="Roads"), 500,
     "Service 'Roads.MapServer' already exists."),
    (dict(serviceName="Nope", serviceType="MapServer", serviceNewName="X"), 404,
     NOT_FOUND % "Nope.MapServer"),
    (dict(serviceName="Parcels", serviceType="FeatureServer", serviceNewName="X"), 404,
     NOT_FOUND % "Parcels.FeatureServer"),
    (dict(serviceName="Parcels", serviceType="MapServer", serviceNewName="Bad Name"), 500,
     "Service name is invalid. The name contains illegal character ' '."),
])
def test_rename_refusals(sb, admin, fields, code, text):
    body = admin.ok("/services/Maps/renameService", **fields)
    assert body == {"status": "error", "messages": [text], "code": code}
    assert "Maps/Parcels.MapServer" in sb.site.service_refs()


def test_default_services_refuse_rename_and_delete(sb, admin):
    for body in (admin.ok("/services/Utilities/Geometry.GeometryServer/delete"),
                 admin.ok("/services/Utilities/renameService", serviceName="Geometry",
                          serviceType="GeometryServer", serviceNewName="G2")):
        assert body["status"] == "error" and body["code"] == 500
        assert "default service" in body["messages"][0]
    assert "Utilities/Geometry.GeometryServer" in sb.site.service_refs()


def test_create_service_from_a_saved_definition(sb, admin):
    definition = admin.ok("/services/Maps/Hydrology.MapServer")
    assert admin.ok("/services/Maps/Hydrology.MapServer/delete") == {"status": "success"}
    assert admin.ok("/services/Maps/createService",
                    service=json.dumps(definition)) == {"status": "success"}
    assert admin.ok("/services/Maps/Hydrology.MapServer") == definition
    # the saved configuredState (STOPPED) is kept; the REST directory lists started ones only
    assert sb.site.service_state("Maps/Hydrology.MapServer") == ("STOPPED", "STOPPED")
    again = admin.ok("/services/Maps/createService", service=json.dumps(definition))
    assert again == {"status": "error", "code": 500,
                     "messages": ["Service 'Hydrology.MapServer' already exists."]}


def test_create_service_errors(sb, admin):
    assert admin.ok("/services/createService")["code"] == 400
    assert admin.ok("/services/createService", service="{not json")["code"] == 500
    assert admin.ok("/services/createService",
                    service=json.dumps({"type": "MapServer"}))["code"] == 400
    assert admin.ok("/services/NoFolder/createService",
                    service=json.dumps({"serviceName": "A", "type": "MapServer"}))["code"] == 404
    clash = admin.ok("/services/Maps/createService",
                     service=json.dumps({"serviceName": "A", "type": "MapServer",
                                         "folderName": "Tools"}))
    assert clash["code"] == 500
    created = admin.ok("/services/createService",
                       service=json.dumps({"serviceName": "Fresh", "type": "GeometryServer"}))
    assert created == {"status": "success"}
    assert sb.site.service_state("Fresh.GeometryServer") == ("STARTED", "STARTED")
    assert admin.ok("/services/Fresh.GeometryServer/permissions") == {"permissions": []}


def test_drop_after_does_the_work_then_loses_the_answer(sb, admin):
    admin.sign_in()
    fault = sb.faults.add("drop-after", match="Roads.MapServer/delete")
    with pytest.raises(requests.exceptions.ConnectionError):
        admin.post("/services/Maps/Roads.MapServer/delete")
    assert fault.fired == 1
    assert "Maps/Roads.MapServer" not in sb.site.service_refs()
    logged = [r for r in sb.requests if r["path"].endswith("Roads.MapServer/delete")]
    assert len(logged) == 1 and logged[0]["status"] is None


def test_drop_before_does_nothing(sb, admin):
    admin.sign_in()
    sb.faults.add("drop", match="Roads.MapServer/delete")
    with pytest.raises(requests.exceptions.ConnectionError):
        admin.post("/services/Maps/Roads.MapServer/delete")
    assert "Maps/Roads.MapServer" in sb.site.service_refs()


def test_the_site_log_records_delete_rename_and_create(sb, admin):
    definition = admin.ok("/services/Maps/Roads.MapServer")
    admin.ok("/services/Maps/renameService", serviceName="Parcels", serviceType="MapServer",
             serviceNewName="Parcels2026")
    admin.ok("/services/Maps/Roads.MapServer/delete")
    admin.ok("/services/Maps/createService", service=json.dumps(definition))
    body = admin.ok("/logs/query", level="INFO", filter=json.dumps({"codes": []}),
                    pageSize="1000", startTime="", endTime="")
    messages = [r["message"] for r in body["logMessages"]]
    assert "Service 'Maps/Parcels.MapServer' was renamed to 'Maps/Parcels2026.MapServer'." \
        in messages
    assert "Service 'Maps/Roads.MapServer' was deleted." in messages
    assert "Service 'Maps/Roads.MapServer' was created." in messages
