"""Installing the stub: sys.modules, modes, env strictness, application-level functions."""
from __future__ import absolute_import

import os
import sys

import pytest

from tests.stubs import gp


def test_install_puts_stub_first_and_uninstall_restores():
    before_path = list(sys.path)
    sentinel = object()
    sys.modules["arcpy"] = sentinel   # e.g. a real arcpy that must not be used by tests
    try:
        arcpy = gp.install("pro")
        assert sys.modules["arcpy"] is arcpy
        import arcpy as imported
        assert imported is arcpy
        assert sys.path[0].endswith(os.path.join("tests", "stubs"))
        gp.uninstall()
        assert sys.modules["arcpy"] is sentinel
        assert sys.path == before_path
    finally:
        sys.modules.pop("arcpy", None)
        gp.uninstall()


def test_uninstall_twice_is_harmless():
    gp.install("pro")
    gp.uninstall()
    gp.uninstall()
    assert "arcpy" not in sys.modules
    assert not gp.is_installed()


def test_api_needs_install():
    with pytest.raises(RuntimeError):
        gp.load_toolbox("x.pyt")


def test_stub_cannot_be_imported_under_another_name():
    with pytest.raises(ImportError):
        __import__("tests.stubs.arcpy")


def test_mode_is_validated():
    with pytest.raises(ValueError):
        gp.install("arcgis")


def test_install_resets_state(pro):
    pro.AddMessage("one")
    gp.sign_in({"token": "t", "referer": "r", "expires": 1})
    pro.env.overwriteOutput = True
    arcpy = gp.install("pro")
    assert gp.messages() == []
    assert arcpy.GetSigninToken() is None
    assert arcpy.env.overwriteOutput is False


def test_exceptions_are_shared_with_gp(pro):
    assert gp.ExecuteError is pro.ExecuteError
    import arcgisscripting
    assert arcgisscripting.ExecuteError is pro.ExecuteError


def test_submodules_and_legacy_aliases(pro):
    import arcpy.da
    import arcpy.management
    import arcpy.conversion  # noqa: F401
    assert pro.da is arcpy.da
    assert pro.CreateTable_management is pro.management.CreateTable
    assert pro.AddField_management is pro.management.AddField
    assert pro.GetCount_management is pro.management.GetCount
    assert pro.Delete_management is pro.management.Delete
    assert pro.CopyRows_management is pro.management.CopyRows


def test_mp_is_pro_only(pro):
    import arcpy.mp
    with pytest.raises(gp.NotAvailableInTests):
        arcpy.mp.ArcGISProject("CURRENT")
    fake = object()
    gp.set_project(fake)
    assert arcpy.mp.ArcGISProject("CURRENT") is fake
    assert not hasattr(pro, "mapping")


def test_mp_absent_in_arcmap(arcmap):
    with pytest.raises(ImportError):
        __import__("arcpy.mp")
    assert not hasattr(arcmap, "mp")
    assert not hasattr(arcmap, "EnvManager")
    import arcpy.mapping
    with pytest.raises(gp.NotAvailableInTests):
        arcpy.mapping.MapDocument("CURRENT")


def test_unknown_and_unemulated_names(pro):
    with pytest.raises(AttributeError):
        pro.AddMesage("typo")
    with pytest.raises(NotImplementedError):
        pro.ListTables()


def test_install_info_per_mode():
    try:
        assert gp.install("pro").GetInstallInfo()["ProductName"] == "ArcGISPro"
        assert gp.install("pro").GetInstallInfo()["Version"] == "3.5"
        info = gp.install("arcmap").GetInstallInfo()
        assert (info["ProductName"], info["Version"]) == ("Desktop", "10.8.2")
    finally:
        gp.uninstall()


def test_signin_token(pro):
    assert pro.GetSigninToken() is None
    token = {"token": "abc", "referer": "https://x", "expires": 123}
    gp.sign_in(token, portal_url="https://portal.example.com/portal/")
    assert pro.GetSigninToken() == token
    assert pro.GetSigninToken() is not token
    assert pro.GetActivePortalURL() == "https://portal.example.com/portal/"
    with pytest.raises(ValueError):
        gp.sign_in({"token": "abc"})
    gp.sign_out()
    assert pro.GetSigninToken() is None


# -- arcpy.env --------------------------------------------------------------------------------
def test_env_defaults(any_mode):
    env = any_mode.env
    assert env.workspace is None
    assert env.overwriteOutput is False
    assert env.addOutputsToMap is True
    assert os.path.isdir(env.scratchFolder)
    assert env.scratchGDB.endswith("scratch.gdb") and os.path.isdir(env.scratchGDB)
    assert any_mode.Exists(env.scratchGDB)


def test_env_is_strict(pro):
    with pytest.raises(AttributeError) as info:
        pro.env.overwriteOuput = True
    assert "overwriteOutput" in str(info.value)
    with pytest.raises(AttributeError):
        pro.env.Workspace
    with pytest.raises(ValueError):
        pro.env.overwriteOutput = "false"
    with pytest.raises(AttributeError):
        pro.env.scratchFolder = "/tmp"


def test_env_cancel_settings(pro):
    assert pro.env.autoCancelling is True
    assert pro.env.isCancelled is False
    with pytest.raises(AttributeError):
        pro.env.isCancelled = True
    pro.env.autoCancelling = False
    assert pro.env.autoCancelling is False


def test_env_has_no_cancel_settings_before_arcmap_104():
    arcpy = gp.install("arcmap103")
    try:
        assert not hasattr(arcpy.env, "isCancelled")
        assert not hasattr(arcpy.env, "autoCancelling")
        assert getattr(arcpy.env, "isCancelled", False) is False
        assert arcpy.GetInstallInfo()["Version"].startswith("10.3")
    finally:
        gp.uninstall()


def test_env_manager_restores(pro):
    with pro.EnvManager(overwriteOutput=True, workspace="/data"):
        assert pro.env.overwriteOutput is True
    assert pro.env.overwriteOutput is False and pro.env.workspace is None
    with pytest.raises(AttributeError):
        pro.EnvManager(overwriteOuput=True)


def test_scratch_folder_removed_by_uninstall():
    arcpy = gp.install("pro")
    folder = arcpy.env.scratchFolder
    gp.uninstall()
    assert not os.path.exists(folder)


def test_log_history_switch(pro):
    assert pro.GetLogHistory() is True
    pro.SetLogHistory(False)
    assert pro.GetLogHistory() is False


def test_uninstall_removes_path_entries_a_toolbox_added(write_pyt):
    try:
        gp.install("pro")
        source = u'''import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)   # the .pyt's own helper-path set-up (section 1.4)

class Toolbox(object):
    def __init__(self):
        self.label = "T"
        self.alias = "t"
        self.tools = []
'''
        path = write_pyt(source)
        gp.load_toolbox(path)
        folder = os.path.dirname(path)
        assert folder in sys.path
        gp.uninstall()
        assert folder not in sys.path
    finally:
        gp.uninstall()


def test_reset_and_clear_environments(pro):
    pro.env.workspace = "/data"
    pro.env.overwriteOutput = True
    pro.ClearEnvironment("workspace")
    assert pro.env.workspace is None and pro.env.overwriteOutput is True
    pro.ResetEnvironments()
    assert pro.env.overwriteOutput is False
    with pytest.raises(AttributeError):
        pro.ClearEnvironment("workspaces")
