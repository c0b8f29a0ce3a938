"""``arcpy.conversion``: present so ``import arcpy.conversion`` works; no tools are emulated."""
