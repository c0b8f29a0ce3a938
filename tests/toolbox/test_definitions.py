"""The toolbox loads as ArcGIS loads it, and its tools and parameters are well defined."""

import io
import os
import re
import xml.etree.ElementTree as ElementTree

import pytest

from tests.stubs import gp
from tests.toolbox.conftest import ROOT, TOOLBOX, TOOLS

PARAMETER_NAMES = {
    "CreateConnectionFile": ["server_url", "out_connection_file", "username", "password",
                             "use_pro_signin", "portal_url", "ca_bundle", "skip_verification",
                             "allow_http", "timeout"],
    "ListServices": ["connection_file", "services", "folder", "out_table", "service_count"],
    "StopServices": ["connection_file", "services", "folder", "journal", "wait_timeout",
                     "out_journal", "stopped"],
    "StartServices": ["connection_file", "services", "folder", "journal", "wait_timeout",
                      "started"],
    "DeleteServices": ["connection_file", "services", "folder", "backup_folder",
                       "force_protected", "wait_timeout", "out_backup_folder", "deleted"],
    "RenameService": ["connection_file", "service", "new_name", "wait_timeout",
                      "out_service_url"],
    "PublishServiceDefinition": ["connection_file", "sd_file", "folder", "service_name",
                                 "overwrite", "service_url"],
    "QueryLogs": ["connection_file", "level", "since", "until", "services", "folder", "codes",
                  "text", "limit", "out_table", "out_report", "record_count"],
}
PARAMETER_NAMES.update({
    "ExportSite": ["connection_file", "out_backup", "site_timeout", "backup"],
    "ImportSite": ["connection_file", "backup_file", "backup_folder", "site_timeout",
                   "backup_written", "imported"],
})


def test_source_is_ascii_with_a_coding_line():
    with io.open(TOOLBOX, "rb") as handle:
        raw = handle.read()
    raw.decode("ascii")   # ArcMap reads the .pyt as ASCII (reference 1.3)
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0] == b"# -*- coding: utf-8 -*-"


def test_toolbox_and_tools(tbx):
    assert tbx.alias == "agsadmin"
    assert tbx.label == "AGSAdmin"
    assert tbx.tool_names == TOOLS
    for name in TOOLS:
        assert re.match(r"^[A-Za-z][A-Za-z0-9]*$", name)
        tool = tbx.tool_class(name)()
        assert tool.label and tool.description and tool.category
        assert tool.canRunInBackground is False


@pytest.mark.parametrize("tool", TOOLS)
def test_parameters_are_explicit_and_named(tbx, tool):
    params = gp.parameters(tbx, tool)
    assert [p.name for p in params] == PARAMETER_NAMES[tool]
    for param in params:
        assert param.displayName and param.datatype and param.direction
        assert param.parameterType in ("Required", "Optional", "Derived")
        if param.parameterType == "Derived":
            assert param.direction == "Output"
    if tool != "CreateConnectionFile":
        assert params[0].name == "connection_file"   # every server tool starts with it
        assert params[0].parameterType == "Required"


def test_outputs_for_modelbuilder(tbx):
    stop = dict((p.name, p) for p in gp.parameters(tbx, "StopServices"))
    assert (stop["out_journal"].datatype, stop["out_journal"].parameterType) == \
        ("DEFile", "Derived")
    assert (stop["stopped"].datatype, stop["stopped"].parameterType) == \
        ("GPBoolean", "Derived")
    assert stop["services"].multiValue is True
    start = dict((p.name, p) for p in gp.parameters(tbx, "StartServices"))
    assert start["journal"].direction == "Input"
    assert (start["started"].datatype, start["started"].parameterType) == \
        ("GPBoolean", "Derived")
    listing = dict((p.name, p) for p in gp.parameters(tbx, "ListServices"))
    assert listing["out_table"].datatype == "DETable"
    assert listing["service_count"].parameterType == "Derived"
    export = dict((p.name, p) for p in gp.parameters(tbx, "ExportSite"))
    assert (export["backup"].datatype, export["backup"].parameterType) == ("DEFile", "Derived")
    imports = dict((p.name, p) for p in gp.parameters(tbx, "ImportSite"))
    assert imports["backup_file"].direction == "Input"
    assert (imports["backup_written"].datatype, imports["backup_written"].parameterType) == \
        ("DEFile", "Derived")
    assert (imports["imported"].datatype, imports["imported"].parameterType) == \
        ("GPBoolean", "Derived")


def test_password_is_string_hidden_in_pro(pro):
    tbx = gp.load_toolbox(TOOLBOX)
    params = dict((p.name, p) for p in gp.parameters(tbx, "CreateConnectionFile"))
    assert params["password"].datatype == "GPStringHidden"
    assert params["password"].parameterType == "Optional"
    assert params["password"].value is None


@pytest.mark.parametrize("hidden_ok, expected", [(True, "GPStringHidden"),
                                                 (False, "GPEncryptedString")])
def test_password_type_in_arcmap_follows_what_arcmap_accepts(hidden_ok, expected):
    gp.install("arcmap", arcmap_gpstringhidden=hidden_ok)
    try:
        tbx = gp.load_toolbox(TOOLBOX)
        params = dict((p.name, p) for p in gp.parameters(tbx, "CreateConnectionFile"))
        assert params["password"].datatype == expected
    finally:
        gp.uninstall()


def test_import_toolbox_binds_the_alias(mode):
    import arcpy
    module = arcpy.ImportToolbox(TOOLBOX)
    assert sorted(n for n in TOOLS if hasattr(module, n)) == sorted(TOOLS)
    assert hasattr(arcpy, "StopServices_agsadmin")


def test_toolbox_folder_is_put_on_sys_path_once(mode):
    import sys
    folder = os.path.dirname(TOOLBOX)
    gp.load_toolbox(TOOLBOX)
    gp.load_toolbox(TOOLBOX)
    assert sys.path[0] == folder
    assert sys.path.count(folder) == 1


# -- help files --------------------------------------------------------------------------------


def _xml(name):
    return ElementTree.parse(os.path.join(ROOT, name)).getroot()


def test_toolbox_help_file():
    root = _xml("AGSAdmin.pyt.xml")
    toolbox = root.find("toolbox")
    assert toolbox.get("name") == "AGSAdmin" and toolbox.get("alias") == "agsadmin"
    assert root.find("dataIdInfo/idAbs").text.strip()


@pytest.mark.parametrize("tool", TOOLS)
def test_each_tool_has_a_help_file_for_every_parameter(tbx, tool):
    root = _xml("AGSAdmin.%s.pyt.xml" % tool)
    node = root.find("tool")
    assert node.get("name") == tool and node.get("toolboxalias") == "agsadmin"
    instance = tbx.tool_class(tool)()
    assert node.get("displayname") == instance.label
    assert node.find("summary").text.strip()
    documented = [(p.get("name"), p.get("displayname")) for p in node.find("parameters")]
    params = gp.parameters(tbx, tool)
    assert documented == [(p.name, p.displayName) for p in params]
    for param in node.find("parameters"):
        assert param.find("dialogReference").text.strip(), param.get("name")


# -- defaults declared once: the .pyt's literals equal agsadmin_core/options.py ------------------

# Toolbox parameters named differently from the option they mirror.
_OPTION_FOR = {"skip_verification": "insecure"}


def _declared_options():
    from agsadmin_core import options
    return dict((o.name, o) for o in vars(options).values() if isinstance(o, options.Option))


def test_every_default_and_range_equals_its_declaration(tbx):
    """The .pyt may import nothing but arcpy while loading, so it writes defaults and ranges
    as literals; this keeps them from drifting from options.py."""
    declared = _declared_options()
    checked = []
    for param in tbx.module._DEFINITIONS.values():
        option = declared.get(_OPTION_FOR.get(param.name, param.name))
        if param.datatype in ("GPLong", "GPDouble") and param.direction == "Input":
            # A number a user sets must be declared, so the CLI and toolbox agree on it.
            assert option is not None, param.name
        if option is None:
            continue
        assert param.default == option.default, param.name
        if option.minimum is not None or param.value_range:
            minimum = option.minimum
            if param.name == "wait_timeout":
                minimum = 0   # 0 is the toolbox's --no-wait (options.NO_WAIT), documented
            assert list(param.value_range) == [minimum, option.maximum], param.name
        checked.append(param.name)
    assert sorted(checked) == ["allow_http", "ca_bundle", "folder", "force_protected",
                               "limit", "overwrite", "service_name", "site_timeout",
                               "skip_verification", "timeout", "wait_timeout"]


def test_the_default_journal_name_is_the_same_in_the_dialog_and_the_run(tbx):
    from agsadmin_core.gp import tools
    assert tbx.module._DEFAULT_JOURNAL == tools.DEFAULT_JOURNAL
