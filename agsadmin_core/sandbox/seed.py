"""Seed data for the emulated site: folders, services and type-specific service JSON.

Pure data (no state, no HTTP): ``models.Site`` reads ``folder_specs`` and
``service_specs`` and builds its own objects. The built-in content follows
admin-api.md section 2.2: ``System`` (CachingTools, PublishingTools,
ReportingTools, SyncTools) and ``Utilities`` (Geometry stopped by default,
PrintingTools, OfflinePackaging...) are ``isDefault: true``.
"""

from __future__ import absolute_import, unicode_literals

from collections import OrderedDict, namedtuple

FolderSpec = namedtuple("FolderSpec", "name description is_default")
ServiceSpec = namedtuple("ServiceSpec", "folder name type description state is_default hosted feature_access")
# What a backup reads besides the service JSON (admin-api-next.md section 3).
ServiceChildren = namedtuple("ServiceChildren", "iteminfo manifest permissions")

# Non-ASCII names for clients' encoding paths (Sandbox(unicode_names=True)).
UNICODE_FOLDER = "Caf\u00e9"
UNICODE_SERVICES = ("\u65e5\u672c", "Stra\u00dfen")

BULK_FOLDER_SIZE = 50

# Folder descriptions of the built-in folders are those of the doc example (D:folder).
SYSTEM_DESCRIPTION = ("The System folder contains automatically deployed services "
                      "that are used by ArcGIS Server.")
UTILITIES_DESCRIPTION = ("The Utilities folder contains automatically deployed services "
                         "that provide utility functions.")


def _svc(folder, name, type_, description, state="STARTED", is_default=False,
         hosted=False, feature_access=False):
    return ServiceSpec(folder, name, type_, description, state, is_default, hosted, feature_access)


def folder_specs(bulk_services=0, unicode_names=False):
    """Return the seeded folders (root excluded), built-in folders first."""
    folders = [
        FolderSpec("System", SYSTEM_DESCRIPTION, True),
        FolderSpec("Utilities", UTILITIES_DESCRIPTION, True),
        FolderSpec("Maps", "Operational map services.", False),
        FolderSpec("Editing", "Map services with feature access for field editing.", False),
        FolderSpec("Geocode", "Address locators.", False),
        FolderSpec("Tools", "Geoprocessing tools.", False),
        FolderSpec("Imagery", "Orthophotos and elevation.", False),
        FolderSpec("Hosted", "", False),
    ]
    if unicode_names:
        folders.append(FolderSpec(UNICODE_FOLDER, "Services with non-ASCII names.", False))
    for index in range(_bulk_folder_count(bulk_services)):
        folders.append(FolderSpec("Bulk%02d" % (index + 1), "Generated services for load tests.", False))
    return folders


def _bulk_folder_count(bulk_services):
    return (int(bulk_services) + BULK_FOLDER_SIZE - 1) // BULK_FOLDER_SIZE


def service_specs(bulk_services=0, unicode_names=False):
    """Return every seeded service; ``bulk_services`` adds Bulk01/Svc0001... MapServers.

    ``unicode_names`` adds ``Caf\u00e9/\u65e5\u672c.MapServer`` and ``Caf\u00e9/Stra\u00dfen.MapServer``.
    """
    specs = [
        _svc("System", "CachingTools", "GPServer",
             "The CachingTools service is used by ArcGIS Server to create and manage map service caches.",
             is_default=True),
        _svc("System", "PublishingTools", "GPServer",
             "The PublishingTools service is used by ArcGIS Server to publish services.",
             is_default=True),
        _svc("System", "ReportingTools", "GPServer",
             "The ReportingTools service is used by ArcGIS Server to generate reports about caches.",
             is_default=True),
        _svc("System", "SyncTools", "GPServer",
             "The SyncTools service is used to synchronize replicas with feature services.",
             is_default=True),
        # Geometry starts STOPPED on 10.x (Esri's "start the geometry service" sample).
        _svc("Utilities", "Geometry", "GeometryServer",
             "The Geometry service performs geometric operations such as buffering and projecting.",
             state="STOPPED", is_default=True),
        _svc("Utilities", "OfflinePackaging", "GPServer",
             "The OfflinePackaging service creates mobile map packages for offline use.",
             is_default=True),
        _svc("Utilities", "PrintingTools", "GPServer",
             "The PrintingTools service prints web maps.", is_default=True),
        _svc("Utilities", "RasterUtilities", "GPServer",
             "The RasterUtilities service supports raster analysis tools.", is_default=True),
        _svc("/", "SampleWorldCities", "MapServer",
             "The SampleWorldCities service is provided so you can quickly and easily preview "
             "the functionality of the GIS server."),
        _svc("Maps", "Parcels", "MapServer", "Cadastral parcels."),
        _svc("Maps", "Zoning", "MapServer", "Zoning districts."),
        _svc("Maps", "Roads", "MapServer", "Road centrelines."),
        _svc("Maps", "Hydrology", "MapServer", "Rivers and catchments.", state="STOPPED"),
        _svc("Maps", "Basemap", "MapServer", "Cached basemap."),
        _svc("Editing", "ParcelEdits", "MapServer", "Parcel editing with feature access.",
             feature_access=True),
        _svc("Editing", "Inspections", "MapServer", "Field inspections with feature access.",
             feature_access=True),
        _svc("Geocode", "Addresses", "GeocodeServer", "Address point locator."),
        _svc("Geocode", "Composite", "GeocodeServer", "Composite locator."),
        _svc("Tools", "ExtractData", "GPServer", "Extract data by area of interest."),
        _svc("Tools", "ProfileTool", "GPServer", "Elevation profile."),
        _svc("Imagery", "Orthophoto2024", "ImageServer", "2024 orthophoto mosaic."),
        _svc("Imagery", "Elevation", "ImageServer", "Digital elevation model."),
        _svc("Hosted", "Parks", "FeatureServer", "", hosted=True),
        _svc("Hosted", "Trails", "FeatureServer", "", hosted=True),
        _svc("Hosted", "BasemapTiles", "VectorTileServer", "", hosted=True),
        _svc("Hosted", "Buildings3D", "SceneServer", "", hosted=True),
    ]
    if unicode_names:
        specs.extend(_svc(UNICODE_FOLDER, name, "MapServer", "Non-ASCII name.")
                     for name in UNICODE_SERVICES)
    for number in range(1, int(bulk_services) + 1):
        folder = "Bulk%02d" % ((number - 1) // BULK_FOLDER_SIZE + 1)
        specs.append(_svc(folder, "Svc%04d" % number, "MapServer", "Generated service %d." % number))
    return specs


def _extension(type_name, enabled, capabilities="", properties=None):
    # Extension "enabled" values are strings on a real server (section 2.3, 10).
    return OrderedDict([
        ("typeName", type_name),
        ("capabilities", capabilities),
        ("enabled", "true" if enabled else "false"),
        ("maxUploadFileSize", 0),
        ("allowedUploadFileTypes", ""),
        ("properties", OrderedDict(properties or ())),
    ])


def _input_path(folder, name, type_, leaf):
    prefix = "" if folder == "/" else folder + "/"
    return "${arcgisinput}/%s%s.%s/extracted/p30/%s" % (prefix, name, type_, leaf)


def service_config(spec, provider):
    """Return the type-specific part of the service JSON (section 2.3).

    ``properties`` values are strings, as on a real server. The state, name,
    type, description and flags are added by the model.
    """
    t = spec.type
    props = OrderedDict()
    extensions = []
    capabilities = ""
    if t == "MapServer":
        capabilities = "Map,Query,Data"
        props.update([
            ("filePath", _input_path(spec.folder, spec.name, t, spec.name.lower() + ".mapx")),
            ("maxRecordCount", "2000"), ("maxBufferCount", "100"),
            ("maxImageHeight", "4096"), ("maxImageWidth", "4096"),
            ("supportedImageReturnTypes", "MIME+URL"), ("schemaLockingEnabled", "true"),
            ("isCached", "true" if spec.name == "Basemap" else "false"),
            ("outputDir", "/arcgis/server/usr/directories/arcgisoutput"),
            ("virtualOutputDir", "/rest/directories/arcgisoutput"),
            ("enableDynamicLayers", "false"), ("disableIdentifyRelates", "false"),
        ])
        fs_caps = "Query,Create,Update,Delete,Uploads,Editing" if spec.feature_access else "Query"
        extensions = [
            _extension("FeatureServer", spec.feature_access, fs_caps,
                       [("maxRecordCount", "2000"), ("allowGeometryUpdates", "true")]),
            _extension("KmlServer", False, "SingleImage,SeparateImages,Vectors"),
            _extension("WMSServer", False),
            _extension("WFSServer", False, "", [("enableTransactions", "false")]),
            _extension("NAServer", False),
        ]
    elif t == "GPServer":
        props.update([
            ("toolbox", _input_path(spec.folder, spec.name, t, spec.name + ".tbx")),
            ("executionType", "Asynchronous"), ("maximumRecords", "1000"),
            ("showMessages", "Info"), ("resultMapServer", "false"),
            ("jobsDirectory", "/arcgis/server/usr/directories/arcgisjobs"),
            ("outputDir", "/arcgis/server/usr/directories/arcgisoutput"),
            ("virtualOutputDir", "/rest/directories/arcgisoutput"),
        ])
    elif t == "GeometryServer":
        capabilities = ""
    elif t == "GeocodeServer":
        capabilities = "Geocode,ReverseGeocode,Suggest"
        props.update([
            ("locator", _input_path(spec.folder, spec.name, t, spec.name + ".loc")),
            ("SuggestedBatchSize", "1000"), ("MaxBatchSize", "1000"), ("MaxResultSize", "500"),
        ])
    elif t == "ImageServer":
        capabilities = "Image,Metadata,Catalog,Mensuration"
        props.update([
            ("path", _input_path(spec.folder, spec.name, t, spec.name + ".crf")),
            ("maxImageHeight", "4100"), ("maxImageWidth", "15000"),
            ("defaultResamplingMethod", "1"), ("maxRecordCount", "1000"),
        ])
    elif t == "FeatureServer":
        capabilities = "Query"
        props.update([("maxRecordCount", "2000"), ("isHosted", "true")])
    elif t == "VectorTileServer":
        capabilities = "TilesOnly,Tilemap"
        props.update([("isHosted", "true")])
    elif t == "SceneServer":
        capabilities = "ViewingMode"
        props.update([("isHosted", "true")])

    config = OrderedDict([
        ("capabilities", capabilities),
        ("clusterName", "default"),
        ("minInstancesPerNode", 0 if spec.hosted else 1),
        ("maxInstancesPerNode", 2),
        ("instancesPerContainer", 1),
        ("maxWaitTime", 60),
        ("maxStartupTime", 300),
        ("maxIdleTime", 1800),
        ("maxUsageTime", 600),
        ("recycleInterval", 24),
        ("recycleStartTime", "00:00"),
        ("loadBalancing", "ROUND_ROBIN"),
        ("isolationLevel", "HIGH"),
        ("keepAliveInterval", 1800),
        # Hosted services are not served by ArcObjects (assumption: "SDS").
        ("provider", "SDS" if spec.hosted else provider),
        ("properties", props),
        ("extensions", extensions),
        ("datasets", []),
        ("frameworkProperties", OrderedDict()),
    ])
    if spec.hosted:
        config["portalProperties"] = OrderedDict([("isHosted", True), ("portalItems", [])])
    return config


# Item types shown in iteminfo, per service type (ArcGIS Online item type names).
_ITEM_TYPES = {"MapServer": "Map Service", "GPServer": "Geoprocessing Service",
               "GeocodeServer": "Geocoding Service", "ImageServer": "Image Service",
               "GeometryServer": "Geometry Service", "FeatureServer": "Feature Service",
               "VectorTileServer": "Vector Tile Service", "SceneServer": "Scene Service"}

# Role names on the seeded site (permissions), assumption: any realistic names do.
EDITORS_ROLE = "GIS Editors"
VIEWERS_ROLE = "Staff"


def _permission(principal, allowed=True):
    return OrderedDict([("principal", principal),
                        ("permission", OrderedDict([("isAllowed", allowed), ("constraint", "")]))])


def service_children(spec):
    """iteminfo, manifest and permissions of a seeded service (admin-api.md 9.4, -next 3).

    assumption: shapes follow the docs (iteminfo keys of an ArcGIS item;
    manifest ``databases``/``resources`` as DEVSUM's ServiceManifest.cs);
    values are made up but consistent with the seed (paths under
    ``${arcgisinput}``, folder-based permissions). No secret appears in a
    connection string: the seed uses operating-system authentication.
    """
    prefix = "" if spec.folder == "/" else spec.folder + "/"
    iteminfo = OrderedDict([
        ("culture", "en-US"), ("name", spec.name), ("guid", ""),
        ("catalogPath", ""), ("snippet", spec.description[:250]),
        ("description", spec.description), ("summary", spec.description),
        ("title", spec.name), ("tags", [spec.folder if spec.folder != "/" else "Root", spec.type]),
        ("type", _ITEM_TYPES.get(spec.type, spec.type)),
        ("typeKeywords", ["ArcGIS Server", spec.type, "Service"]),
        ("thumbnail", "thumbnail/thumbnail.png"), ("url", ""), ("extent", []),
        ("spatialReference", "WGS_1984_Web_Mercator_Auxiliary_Sphere"),
        ("accessInformation", "Sandbox County GIS"), ("licenseInfo", ""),
    ])
    databases = []
    if spec.type in ("MapServer", "ImageServer") and not spec.is_default:
        databases.append(OrderedDict([
            ("byReference", True),
            ("onServerWorkspaceFactoryProgID", "esriDataSourcesGDB.SdeWorkspaceFactory.1"),
            ("onServerConnectionString",
             "DBCLIENT=postgresql;DB_CONNECTION_PROPERTIES=gisdb;DATABASE=gis;"
             "AUTHENTICATION_MODE=OSA;INSTANCE=sde:postgresql:gisdb"),
            ("onPremiseConnectionString",
             "DBCLIENT=postgresql;DB_CONNECTION_PROPERTIES=gisdb;DATABASE=gis;"
             "AUTHENTICATION_MODE=OSA;INSTANCE=sde:postgresql:gisdb"),
            ("onServerName", "gis.sde." + spec.name.lower()),
            ("onPremisePath", ""),
            ("datasets", [OrderedDict([("onServerName", "gis.sde.%s" % spec.name.lower())])]),
        ]))
    source = "%s.%s" % (spec.name, "mapx" if spec.type == "MapServer" else "sd")
    manifest = OrderedDict([
        ("databases", databases),
        ("resources", [OrderedDict([
            ("onPremisePath", "C:\\GIS\\Projects\\%s%s" % (prefix.replace("/", "\\"), source)),
            ("clientName", "gis-workstation"),
            ("serverPath", _input_path(spec.folder, spec.name, spec.type, source)),
        ])]),
    ])
    if spec.is_default or spec.folder in ("Maps", "Geocode", "/", UNICODE_FOLDER):
        permissions = [_permission("esriEveryone")]
    elif spec.folder == "Editing":
        permissions = [_permission(EDITORS_ROLE)]
    else:
        permissions = [_permission(VIEWERS_ROLE), _permission(EDITORS_ROLE)]
    return ServiceChildren(iteminfo, manifest, permissions)
