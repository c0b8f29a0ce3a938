"""Services directory, service JSON, start/stop, batch operations, report, folders."""

from __future__ import absolute_import, unicode_literals

import json
import time

import pytest


def entry(folder, name, type_):
    return {"folderName": folder, "serviceName": name, "type": type_}


def test_root_listing_shape(admin):
    body = admin.ok("/services")
    assert (body["folderName"], body["description"], body["webEncrypted"], body["isDefault"]) == \
        ("/", "Root folder", False, False)
    assert set(body) == {"folderName", "description", "webEncrypted", "isDefault", "folders",
                         "foldersDetail", "services"}
    details = dict((d["folderName"], d) for d in body["foldersDetail"])
    assert sorted(details) == sorted(body["folders"])
    assert details["System"]["isDefault"] is True and details["Utilities"]["isDefault"] is True
    assert details["Maps"]["isDefault"] is False
    assert set(details["Maps"]) == {"folderName", "description", "webEncrypted", "isDefault"}
    assert {"folderName": "/", "serviceName": "SampleWorldCities", "type": "MapServer",
            "description": body["services"][0]["description"]} in body["services"]
    assert all(s["folderName"] == "/" for s in body["services"])


def test_root_listing_detail_expands_services(admin):
    body = admin.ok("/services", detail="true")
    assert body["services"][0]["capabilities"] and body["services"][0]["folderName"] == "/"


def test_folder_listing_shape_and_builtin_services(admin):
    system = admin.ok("/services/System")
    assert set(system) == {"folderName", "description", "services"}
    names = [(s["serviceName"], s["type"]) for s in system["services"]]
    assert ("PublishingTools", "GPServer") in names and ("CachingTools", "GPServer") in names
    assert all(set(s) == {"folderName", "serviceName", "type", "description"} and
               s["folderName"] == "System" for s in system["services"])
    assert admin.ok("/services/Utilities/Geometry.GeometryServer/status") == {
        "configuredState": "STOPPED", "realTimeState": "STOPPED"}


def test_service_json_shape(admin):
    body = admin.ok("/services/Editing/ParcelEdits.MapServer")
    for key in ("serviceName", "type", "description", "capabilities", "clusterName",
                "minInstancesPerNode", "maxInstancesPerNode", "maxWaitTime", "maxIdleTime",
                "maxUsageTime", "recycleInterval", "loadBalancing", "isolationLevel", "provider",
                "isDefault", "private", "configuredState", "properties", "extensions"):
        assert key in body, key
    assert all(isinstance(v, type("")) for v in body["properties"].values())
    feature = [e for e in body["extensions"] if e["typeName"] == "FeatureServer"][0]
    assert feature["enabled"] == "true"
    assert admin.ok("/services/System/PublishingTools.GPServer")["isDefault"] is True


def test_lookups_are_case_insensitive_and_keep_stored_case(admin):
    body = admin.ok("/services/maps/PARCELS.mapserver")
    assert body["serviceName"] == "Parcels" and body["type"] == "MapServer"
    assert admin.ok("/services/utilities/Geometry.GeometryServer/start") == {"status": "success"}
    assert admin.ok("/services/MAPS")["folderName"] == "Maps"


def test_case_sensitive_option(make_sb, make_admin):
    admin = make_admin(make_sb(case_insensitive=False))
    assert admin.ok("/services/maps")["code"] == 404
    assert admin.ok("/services/Maps/parcels.MapServer")["code"] == 404
    assert admin.ok("/services/Maps/Parcels.MapServer")["serviceName"] == "Parcels"


def test_stop_start_status_and_idempotence(sb, admin):
    path = "/services/Maps/Parcels.MapServer"
    assert admin.ok(path + "/stop") == {"status": "success"}
    assert admin.ok(path + "/status") == {"configuredState": "STOPPED", "realTimeState": "STOPPED"}
    assert admin.ok(path + "/stop") == {"status": "success"}
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STOPPED", "STOPPED")
    assert admin.ok(path + "/start") == {"status": "success"}
    assert admin.ok(path + "/start") == {"status": "success"}
    assert admin.ok(path + "/status")["realTimeState"] == "STARTED"
    assert admin.ok("/services/SampleWorldCities.MapServer/stop") == {"status": "success"}
    assert sb.site.service_state("sampleworldcities.mapserver") == ("STOPPED", "STOPPED")


def test_hosted_services_refuse_start_and_stop(sb, admin):
    for op in ("stop", "start"):
        body = admin.ok("/services/Hosted/Parks.FeatureServer/" + op)
        assert body["status"] == "error" and body["code"] == 500
    assert sb.site.service_state("Hosted/Parks.FeatureServer") == ("STARTED", "STARTED")


def test_settle_lag_on_real_time_state(make_sb, make_admin):
    sb = make_sb(settle_seconds=30)
    admin = make_admin(sb)
    path = "/services/Maps/Zoning.MapServer"
    assert admin.ok(path + "/stop") == {"status": "success"}
    assert admin.ok(path + "/status") == {"configuredState": "STOPPED", "realTimeState": "STARTED"}
    sb.site.advance_clock(31)
    assert admin.ok(path + "/status") == {"configuredState": "STOPPED", "realTimeState": "STOPPED"}


@pytest.mark.parametrize("wrap", [True, False])
def test_batch_stop_and_start_wrapped_or_bare(sb, admin, wrap):
    services = [entry("Maps", "Parcels", "MapServer"), entry("", "SampleWorldCities", "MapServer"),
                entry("/", "SampleWorldCities", "MapServer")]
    payload = {"services": services} if wrap else services
    assert admin.ok("/services/stopServices", services=json.dumps(payload)) == {"status": "success"}
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STOPPED", "STOPPED")
    assert sb.site.service_state("SampleWorldCities.MapServer") == ("STOPPED", "STOPPED")
    assert admin.ok("/services/startServices", services=json.dumps(payload)) == {"status": "success"}
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")


def test_batch_with_a_bad_entry_applies_the_others_and_names_the_failures(sb, admin):
    payload = {"services": [entry("Maps", "Parcels", "MapServer"), entry("Maps", "Nope", "MapServer"),
                            entry("Hosted", "Parks", "FeatureServer"), entry("Maps", "Roads", "MapServer")]}
    body = admin.ok("/services/stopServices", services=json.dumps(payload))
    assert body["status"] == "error" and body["code"] == 500 and len(body["messages"]) == 2
    assert body["messages"][0].startswith("Maps/Nope.MapServer:")
    assert body["messages"][1].startswith("Hosted/Parks.FeatureServer:")
    assert sb.site.service_state("Maps/Parcels.MapServer")[0] == "STOPPED"
    assert sb.site.service_state("Maps/Roads.MapServer")[0] == "STOPPED"


def test_batch_malformed_input(admin):
    assert admin.ok("/services/stopServices", services="not json")["status"] == "error"
    assert admin.ok("/services/stopServices")["status"] == "error"
    assert admin.ok("/services/stopServices", services=json.dumps([{"serviceName": "x"}]))["status"] == "error"


def test_batch_is_absent_before_10_3(make_sb, make_admin):
    admin = make_admin(make_sb(version="10.1"))
    for op in ("startServices", "stopServices"):
        body = admin.ok("/services/" + op, services="[]")
        assert body == {"status": "error", "code": 404, "messages": [
            "Could not find resource or operation '%s' on the system." % op]}
    admin = make_admin(make_sb(version="10.7"))
    assert admin.ok("/services/deleteServices", services="[]")["code"] == 404


def test_batch_costs_service_op_ms_per_service(make_sb, make_admin):
    admin = make_admin(make_sb(service_op_ms=40))
    admin.sign_in()
    services = [entry("Maps", n, "MapServer") for n in ("Parcels", "Zoning", "Roads", "Basemap")]
    started = time.time()
    admin.ok("/services/stopServices", services=json.dumps(services))
    assert time.time() - started >= 0.16


def test_report_selects_sections(sb, admin):
    sb.site.set_service_state("Maps/Roads.MapServer", "STOPPED")
    body = admin.ok("/services/Maps/report", parameters=json.dumps(["status"]))
    reports = dict((r["serviceName"], r) for r in body["reports"])
    assert set(reports["Roads"]) == {"folderName", "serviceName", "type", "isDefault", "isPrivate", "status"}
    assert reports["Roads"]["status"] == {"configuredState": "STOPPED", "realTimeState": "STOPPED"}
    assert reports["Hydrology"]["status"]["configuredState"] == "STOPPED"
    full = admin.ok("/services/Maps/report")["reports"][0]
    for key in ("description", "status", "instances", "iteminfo", "properties"):
        assert key in full
    root = admin.ok("/services/report", parameters='["status"]')["reports"]
    assert [r["serviceName"] for r in root] == ["SampleWorldCities"] and root[0]["folderName"] == "/"
    assert admin.ok("/services/Nowhere/report")["code"] == 404


def test_exists(admin):
    assert admin.ok("/services/exists", folderName="Maps", serviceName="Parcels", type="MapServer") == \
        {"exists": True}
    assert admin.ok("/services/exists", folderName="Maps", serviceName="Nope", type="MapServer") == \
        {"exists": False}
    assert admin.ok("/services/exists", folderName="", serviceName="SampleWorldCities",
                    type="MapServer") == {"exists": True}
    assert admin.ok("/services/exists", folderName="maps") == {"exists": True}
    assert admin.ok("/services/exists", folderName="Nowhere") == {"exists": False}


def test_create_folder(sb, admin):
    assert admin.ok("/services/createFolder", folderName="Nightly", description="Loads") == \
        {"status": "success"}
    assert admin.ok("/services/Nightly") == {"folderName": "Nightly", "description": "Loads", "services": []}
    duplicate = admin.ok("/services/createFolder", folderName="nightly")
    assert duplicate["status"] == "error" and duplicate["code"] == 500
    for reserved in ("System", "Utilities"):
        assert admin.ok("/services/createFolder", folderName=reserved)["status"] == "error"
    assert admin.ok("/services/createFolder", folderName="a/b")["status"] == "error"
    assert admin.ok("/services/createFolder", folderName="has space")["status"] == "error"


def test_delete_rename_and_delete_folder(sb, admin):
    assert admin.ok("/services/Maps/renameService", serviceName="Roads", serviceType="MapServer",
                    serviceNewName="Streets") == {"status": "success"}
    assert "Maps/Streets.MapServer" in sb.site.service_refs()
    clash = admin.ok("/services/Maps/renameService", serviceName="Streets", serviceType="MapServer",
                     serviceNewName="Parcels")
    assert clash["status"] == "error" and clash["code"] == 500
    assert admin.ok("/services/Maps/Streets.MapServer/delete") == {"status": "success"}
    assert "Maps/Streets.MapServer" not in sb.site.service_refs()
    refused = admin.ok("/services/System/PublishingTools.GPServer/delete")
    assert refused["status"] == "error"
    assert admin.ok("/services/Tools/deleteFolder") == {"status": "success"}
    assert not [r for r in sb.site.service_refs() if r.startswith("Tools/")]
    assert admin.ok("/services/System/deleteFolder")["status"] == "error"


def test_bulk_services_are_generated_in_folders_of_50(make_sb, make_admin):
    sb = make_sb(services=120)
    admin = make_admin(sb)
    refs = sb.site.service_refs()
    assert "Bulk01/Svc0001.MapServer" in refs and "Bulk03/Svc0120.MapServer" in refs
    assert len(admin.ok("/services/Bulk02")["services"]) == 50
    assert len(admin.ok("/services/Bulk03")["services"]) == 20
    assert sb.site.service_state("Bulk03/Svc0120.MapServer") == ("STARTED", "STARTED")


def test_seed_content(sb):
    refs = sb.site.service_refs()
    for ref in ("System/CachingTools.GPServer", "System/PublishingTools.GPServer",
                "System/ReportingTools.GPServer", "System/SyncTools.GPServer",
                "Utilities/Geometry.GeometryServer", "Utilities/PrintingTools.GPServer",
                "Utilities/OfflinePackaging.GPServer", "SampleWorldCities.MapServer",
                "Geocode/Addresses.GeocodeServer", "Imagery/Orthophoto2024.ImageServer",
                "Hosted/BasemapTiles.VectorTileServer", "Tools/ExtractData.GPServer"):
        assert ref in refs
    assert refs == sorted(refs)
    stopped = [r for r in refs if sb.site.service_state(r)[0] == "STOPPED"]
    assert "Maps/Hydrology.MapServer" in stopped


def test_set_service_state_and_reset(sb):
    sb.site.set_service_state("maps/parcels.mapserver", "STOPPED")
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STOPPED", "STOPPED")
    sb.reset()
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")
    with pytest.raises(ValueError):
        sb.site.set_service_state("Maps/Parcels.MapServer", "PAUSED")
