"""Datatype keywords, value coercion from text and the ``valueAsText`` rules (reference 2.4, 3)."""
from __future__ import absolute_import

import datetime
import re

from . import _compat

# Section 3.2: the complete Pro 3.x keyword list [R18], cross-checked in part against [R16].
PRO_KEYWORDS = frozenset("""
analysis_cell_size DEAddressLocator DEArcInfoTable DECadastralFabric DECadDrawingDataset
DECatalogRoot DECoverage DECoverageFeatureClasses DEDatasetType DEDbaseTable DEDiskConnection
DEFeatureClass DEFeatureDataset DEFile DEFolder DEGeoDataServer DEGeodatasetType
DEGeometricNetwork DEGlobeServer DEGPServer DEImageServer DELasDataset DELayer DEMapDocument
DEMapServer DEMosaicDataset DENetworkDataset DEPrjFile DERasterBand DERasterDataset
DERelationshipClass DERemoteDatabaseFolder DESchematicDataset DESchematicDiagram
DESchematicDiagramClass DESchematicFolder DEServerConnection DEShapeFile
DESpatialReferencesFolder DETable DETextfile DETin DETool DEToolbox DETopology DEType
DEUtilityNetwork DEVPFCoverage DEVPFTable DEWCSCoverage DEWMSMap DEWorkspace Field
GP3DADecimate GP3DTilesLayer GPArcInfoItem GPArealUnit GPBoolean GPCadastralFabricLayer
GPCalculatorExpression GPCatalogLayer GPCellSizeXY GPCompositeLayer GPCoordinateSystem
GPDataFile GPDate GPDiagramLayer GPDouble GPEncryptedString GPEnvelope GPEvaluationScale
GPExtent GPFeatureLayer GPFeatureRecordSetLayer GPFieldInfo GPFieldMapping GPGALayer
GPGASearchNeighborhood GPGAValueTable GPGraph GPGraphDataTable GPGroupLayer GPINFOExpression
GPInternetTiledLayer GPKMLLayer GPKnowledgeGraphLayer GPLasDatasetLayer GPLayer GPLayout
GPLine GPLinearUnit GPLong GPMap GPMapServerLayer GPMDomain GPMosaicLayer
GPNAHierarchySettings GPNALayer GPNetworkDatasetLayer GPNetworkDataSource
GPOrientedImageryLayer GPPairwiseWeightsTable GPPoint GPPolygon GPRandomNumberGenerator
GPRasterBuilder GPRasterCalculatorExpression GPRasterDataLayer GPRasterFormulated
GPRasterLayer GPRecordSet GPRouteMeasureEventProperties GPSACellSize GPSAExtractValues
GPSAFuzzyFunction GPSAGDBEnvCompression GPSAGDBEnvPyramid GPSAGDBEnvStatistics
GPSAGDBEnvTileSize GPSAHorizontalFactor GPSANeighborhood GPSARadius GPSARemap
GPSASemiVariogram GPSATimeConfiguration GPSATopoFeatures GPSATransformationFunction
GPSAVerticalFactor GPSAWeightedOverlayTable GPSAWeightedSum GPSceneServiceLayer
GPSchematicLayer GPSpatialReference GPSQLExpression GPString GPStringHidden GPTableView
GPTerrainLayer GPTimeUnit GPTinLayer GPTopologyLayer GPTrajectoryLayer GPType
GPUtilityNetworkLayer GPValueTable GPVariant GPVectorLayer GPXYDomain GPZDomain Index
NAClassFieldMap NetworkTravelMode
""".split())

# ArcMap 10.x: keywords for data models that only exist in Pro (stub judgement: utility
# networks, knowledge graphs, oriented imagery, trajectories and 3D tiles arrived with Pro) are
# rejected; the raster-catalog and address-locator-style keywords that left the Pro 3.x list
# are accepted (section 3.2). GPStringHidden is decided by the install switch (section 3.1).
_PRO_ONLY_KEYWORDS = frozenset([
    "DEUtilityNetwork", "GPUtilityNetworkLayer", "GPKnowledgeGraphLayer",
    "GPOrientedImageryLayer", "GPTrajectoryLayer", "GP3DTilesLayer"])
ARCMAP_KEYWORDS = (PRO_KEYWORDS - _PRO_ONLY_KEYWORDS) | frozenset(
    ["GPAddressLocatorStyle", "DERasterCatalog", "GPRasterCatalogLayer"])

# English display names, only to turn a rejection into a helpful message (section 3: display
# names are not localised and break on other-language installs [R17]).
DISPLAY_NAMES = {
    "String": "GPString", "String Hidden": "GPStringHidden",
    "Encrypted String": "GPEncryptedString", "Boolean": "GPBoolean", "Long": "GPLong",
    "Double": "GPDouble", "Date": "GPDate", "File": "DEFile", "Folder": "DEFolder",
    "Table": "DETable", "Table View": "GPTableView", "Workspace": "DEWorkspace",
    "Value Table": "GPValueTable", "Any Value": "GPType", "Variant": "GPVariant",
    "Text File": "DETextfile", "Data File": "GPDataFile", "Linear Unit": "GPLinearUnit",
    "Areal Unit": "GPArealUnit", "Time Unit": "GPTimeUnit", "Feature Class": "DEFeatureClass",
    "Feature Layer": "GPFeatureLayer", "Raster Dataset": "DERasterDataset",
    "Raster Layer": "GPRasterLayer", "Layer": "GPLayer", "Shapefile": "DEShapeFile",
    "Spatial Reference": "GPSpatialReference", "Coordinate System": "GPCoordinateSystem",
    "Extent": "GPExtent", "SQL Expression": "GPSQLExpression",
    "Server Connection": "DEServerConnection",
}

STRING_TYPES = frozenset(["GPString", "GPStringHidden", "GPEncryptedString", "GPSQLExpression",
                          "GPCalculatorExpression"])
UNIT_TYPES = frozenset(["GPLinearUnit", "GPArealUnit", "GPTimeUnit"])
ANY_TYPES = frozenset(["GPType", "GPVariant"])
FILE_TYPES = frozenset(["DEFile", "DETextfile", "GPDataFile", "DEPrjFile", "DEServerConnection"])
FOLDER_TYPES = frozenset(["DEFolder"])
TABLE_TYPES = frozenset(["DETable", "GPTableView", "DEDbaseTable"])
WORKSPACE_TYPES = frozenset(["DEWorkspace"])

# Only GPStringHidden is masked: the reference documents history hiding for "String Hidden"
# (section 9 [R19][R20]) and calls GPEncryptedString's history behaviour (unconfirmed), so the
# stub keeps encrypted strings in clear and a toolbox relying on them fails its canary test.
MASKED_TYPES = frozenset(["GPStringHidden"])
MASK = "*****"

# Default filter type per datatype; Long/Double (and units) may switch between ValueList and
# Range, every other type's filter type is fixed (section 2.3 [R14]).
DEFAULT_FILTER = {
    "GPString": "ValueList", "GPStringHidden": "ValueList", "GPEncryptedString": "ValueList",
    "GPBoolean": "ValueList", "GPLong": "ValueList", "GPDouble": "ValueList",
    "GPLinearUnit": "ValueList", "GPArealUnit": "ValueList", "GPTimeUnit": "ValueList",
    "DEFile": "File", "DETextfile": "File", "Field": "Field", "DEWorkspace": "Workspace",
    "DEFeatureClass": "FeatureClass", "GPFeatureLayer": "FeatureClass",
    "DEShapeFile": "FeatureClass", "GPFeatureRecordSetLayer": "FeatureClass",
}
SWITCHABLE_FILTER = frozenset(["GPLong", "GPDouble", "GPLinearUnit", "GPArealUnit",
                               "GPTimeUnit"])

LONG_MIN, LONG_MAX = -2147483648, 2147483647   # GPLong is a 32-bit integer

EMPTY_TEXTS = ("", "#")   # "#" is the geoprocessing placeholder for "no value"


def check_keyword(datatype, mode, hidden_ok):
    """Return ``datatype`` if valid for ``mode``; raise ValueError otherwise (section 3).

    A list means a composite datatype (section 3.2 [R16]); each member is checked.
    """
    if isinstance(datatype, (list, tuple)):
        if not datatype:
            raise ValueError("a composite datatype needs at least one keyword")
        return [check_keyword(d, mode, hidden_ok) for d in datatype]
    if not _compat.is_text(datatype):
        raise ValueError("datatype must be a keyword string or a list of them, not %r"
                         % (datatype,))
    allowed = PRO_KEYWORDS if mode == "pro" else ARCMAP_KEYWORDS
    if datatype == "GPStringHidden" and mode != "pro" and not hidden_ok:
        raise ValueError("datatype 'GPStringHidden' is not accepted by this ArcMap (the stub was "
                         "installed with arcmap_gpstringhidden=False; section 3.1)")
    if datatype in allowed:
        return str(datatype)
    if datatype in DISPLAY_NAMES:
        raise ValueError("datatype %r is a display name; use the keyword %r (display names are "
                         "not localised, section 3 [R17])" % (datatype, DISPLAY_NAMES[datatype]))
    other = ARCMAP_KEYWORDS if mode == "pro" else PRO_KEYWORDS
    where = "ArcGIS Pro 3.x" if mode == "pro" else "ArcMap 10.x"
    if datatype in other:
        raise ValueError("datatype %r does not exist in %s" % (datatype, where))
    close = [k for k in allowed if k.lower() == datatype.lower()]
    hint = " (did you mean %r?)" % close[0] if close else ""
    raise ValueError("invalid datatype keyword %r%s" % (datatype, hint))


def kind(datatype):
    """Broad family of a datatype: string, boolean, long, double, date, unit, any, path, vt."""
    if isinstance(datatype, list):
        return "path"
    if datatype in STRING_TYPES:
        return "string"
    simple = {"GPBoolean": "boolean", "GPLong": "long", "GPDouble": "double", "GPDate": "date",
              "GPValueTable": "vt"}
    if datatype in simple:
        return simple[datatype]
    if datatype in UNIT_TYPES:
        return "unit"
    if datatype in ANY_TYPES:
        return "any"
    return "path"


class GPValue(object):
    """Stand-in for the "geoprocessing value object" arcpy returns for dataset types (2.4 [R60]).

    ``str()`` and ``.value`` give the path; it is deliberately *not* a string, does not compare
    equal to one and is not a path-like, so ``param.value.endswith(".csv")`` or
    ``open(param.value)`` fails in tests as it does in ArcGIS. Use ``valueAsText``.
    """

    __slots__ = ("_text", "dataType")

    def __init__(self, text, datatype=None):
        object.__setattr__(self, "_text", _compat.to_text(text))
        object.__setattr__(self, "dataType", datatype)

    @property
    def value(self):
        return self._text

    def __str__(self):
        return str(self._text) if not _compat.PY2 else self._text.encode("utf-8")

    def __unicode__(self):  # pragma: no cover - Python 2 only
        return self._text

    def __repr__(self):
        return "<geoprocessing value object %r>" % (self._text,)

    def __eq__(self, other):
        return isinstance(other, GPValue) and other._text == self._text

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._text)

    def __setattr__(self, name, value):
        raise AttributeError("geoprocessing value objects are read-only")


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p",
                 "%m/%d/%Y %H:%M:%S", "%m/%d/%Y")
_UNIT_RE = re.compile(r"^\s*-?\d+(\.\d+)?\s+[A-Za-z][A-Za-z ]*$")


def is_empty(value):
    return value is None or (_compat.is_text(value) and value.strip() in EMPTY_TEXTS)


def coerce(datatype, value, boolean_keywords=None):
    """Convert one (non-empty) value to what ``Parameter.value`` holds for ``datatype``.

    Text is parsed as the framework parses tool-call arguments (Stub checklist "value
    coercion"); objects of the right type pass through. Raises ValueError with a short reason.
    """
    family = kind(datatype)
    if family == "string":
        if isinstance(value, bool) or not (_compat.is_text(value) or
                                           isinstance(value, _compat.integer_types + (float,))):
            raise ValueError("expects text, got %s" % type(value).__name__)
        return _compat.to_text(value)
    if family == "boolean":
        if isinstance(value, bool):
            return value
        if _compat.is_text(value):
            word = value.strip()
            if boolean_keywords and len(boolean_keywords) == 2:
                if word == boolean_keywords[0]:
                    return True
                if word == boolean_keywords[1]:
                    return False
            if word.lower() in ("true", "false"):
                return word.lower() == "true"
        raise ValueError("expects a Boolean (True/False or 'true'/'false'), got %r" % (value,))
    if family == "long":
        if _compat.is_text(value):
            try:
                value = int(value.strip())
            except ValueError:
                raise ValueError("expects a Long (whole number), got %r" % (value,))
        if isinstance(value, bool) or not isinstance(value, _compat.integer_types):
            raise ValueError("expects a Long (whole number), got %r" % (value,))
        if not LONG_MIN <= value <= LONG_MAX:
            raise ValueError("%r is outside the 32-bit range of a Long" % (value,))
        return int(value)
    if family == "double":
        if _compat.is_text(value):
            try:
                return float(value.strip())
            except ValueError:
                raise ValueError("expects a Double, got %r" % (value,))
        if isinstance(value, bool) or not isinstance(value, _compat.integer_types + (float,)):
            raise ValueError("expects a Double, got %r" % (value,))
        return float(value)
    if family == "date":
        if isinstance(value, datetime.datetime):
            return value
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day)
        if _compat.is_text(value):
            for fmt in _DATE_FORMATS:
                try:
                    return datetime.datetime.strptime(value.strip(), fmt)
                except ValueError:
                    pass
        raise ValueError("expects a Date (datetime or 'YYYY-MM-DD[ HH:MM:SS]'), got %r"
                         % (value,))
    if family == "unit":
        text = value.value if isinstance(value, GPValue) else value
        if not _compat.is_text(text) or not _UNIT_RE.match(text):
            raise ValueError("expects '<number> <unit>' such as '10 Meters', got %r" % (value,))
        return GPValue(text, datatype)
    if family == "any":
        return _compat.to_text(value) if _compat.is_text(value) else value
    # Dataset and other object types: a path or catalog string held in a GPValue.
    if isinstance(value, GPValue):
        return value
    if _compat.is_text(value):
        return GPValue(value.strip(), datatype)
    raise ValueError("expects a path or name as text, got %s" % type(value).__name__)


def to_text(value, boolean_keywords=None):
    """``valueAsText`` of one value (Stub checklist; dates use ISO text, a stub choice)."""
    if value is None:
        return None
    if isinstance(value, bool):
        if boolean_keywords and len(boolean_keywords) == 2:
            return _compat.to_text(boolean_keywords[0 if value else 1])
        return u"true" if value else u"false"
    if isinstance(value, float):
        return _compat.to_text(repr(value))
    if isinstance(value, datetime.datetime):
        return _compat.to_text(value.isoformat(" "))
    if isinstance(value, GPValue):
        return value.value
    return _compat.to_text(value)


def quote_item(text, quote="'"):
    """Wrap an item holding a space in quotes, as multivalue text does (section 2.4 [R59])."""
    if text is None:
        return u"#"
    if u" " in text:
        return quote + text + quote
    return text


def split_multivalue(text):
    """Split ``a;'b c';d`` into items, dropping the quotes (inverse of the join rule)."""
    items = []
    for part in text.split(u";"):
        part = part.strip()
        if len(part) >= 2 and part[0] == part[-1] and part[0] in u"'\"":
            part = part[1:-1]
        if part:
            items.append(part)
    return items


def split_row(text):
    """Split one value-table row ``a 'b c' d`` into cells (spaces separate, quotes group)."""
    cells, current, quote = [], u"", None
    for char in text:
        if quote:
            if char == quote:
                quote = None
            else:
                current += char
        elif char in u"'\"":
            quote = char
        elif char == u" ":
            if current:
                cells.append(current)
            current = u""
        else:
            current += char
    if current:
        cells.append(current)
    return [None if c == u"#" else c for c in cells]
