"""Test-only stand-ins for software the test suite cannot install (the arcpy stub lives here).

Importing this package installs nothing: call ``tests.stubs.gp.install()`` to put the strict
``arcpy`` stand-in ahead of any real arcpy (see docs/arcpy-stub.md).
"""
