"""Tests of the strict arcpy stand-in under tests/stubs (see docs/arcpy-stub.md)."""
