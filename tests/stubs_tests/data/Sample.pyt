# -*- coding: utf-8 -*-
"""Sample Python toolbox used by the arcpy stub's own tests (tests/stubs_tests).

Written the way AGSAdmin.pyt must be: ASCII, (object) bases, Python 2.7/3 common subset,
datatype keywords, parameters looked up by name.
"""
import json
import os

import arcpy

# Module-level journals the tests read to see what the framework called.
INSTANCES = []
POST_EXECUTE_CALLS = []
AFTER_CANCEL = []


def _by_name(parameters):
    return dict((p.name, p) for p in parameters)


def _password_type():
    """GPStringHidden where the application knows it, else GPEncryptedString (section 3.3)."""
    try:
        arcpy.Parameter(name="probe", displayName="probe", datatype="GPStringHidden",
                        parameterType="Optional", direction="Input")
        return "GPStringHidden"
    except ValueError:
        return "GPEncryptedString"


class Toolbox(object):
    def __init__(self):
        self.label = "Sample"
        self.alias = "sample"
        self.description = "Tools that exercise the arcpy stub."
        self.tools = [Echo, SignIn, WriteTable, ReadConfig, LongTask, Fail, Unlicensed]


class Echo(object):
    def __init__(self):
        self.label = "Echo"
        self.description = "Repeats a text."
        self.category = "Basics"
        self.canRunInBackground = False
        INSTANCES.append(self)

    def getParameterInfo(self):
        text = arcpy.Parameter(name="text", displayName="Text", datatype="GPString",
                               parameterType="Required", direction="Input")
        repeat = arcpy.Parameter(name="repeat", displayName="Repeat", datatype="GPLong",
                                 parameterType="Optional", direction="Input")
        repeat.filter.type = "Range"
        repeat.filter.list = [1, 5]
        repeat.value = 1
        shout = arcpy.Parameter(name="shout", displayName="Shout", datatype="GPBoolean",
                                parameterType="Optional", direction="Input")
        shout.value = False
        out_text = arcpy.Parameter(name="out_text", displayName="Output Text",
                                   datatype="GPString", parameterType="Derived",
                                   direction="Output")
        return [text, repeat, shout, out_text]

    def isLicensed(self):
        return True

    def updateParameters(self, parameters):
        return

    def updateMessages(self, parameters):
        p = _by_name(parameters)
        if p["text"].valueAsText and p["text"].valueAsText.strip() == "bad":
            p["text"].setErrorMessage("The text must not be 'bad'.")
        return

    def execute(self, parameters, messages):
        p = _by_name(parameters)
        text = p["text"].valueAsText
        if p["shout"].value:
            text = text.upper()
        for _ in range(p["repeat"].value or 1):
            messages.addMessage(text)
        p["out_text"].value = text

    def postExecute(self, parameters):
        POST_EXECUTE_CALLS.append(_by_name(parameters)["out_text"].valueAsText)


class SignIn(object):
    def __init__(self):
        self.label = "Sign In"
        self.description = "Checks a password without ever echoing it."
        self.category = "Security"

    def getParameterInfo(self):
        user = arcpy.Parameter(name="username", displayName="User Name", datatype="GPString",
                               parameterType="Required", direction="Input")
        password = arcpy.Parameter(name="password", displayName="Password",
                                   datatype=_password_type(), parameterType="Optional",
                                   direction="Input")
        signed_in = arcpy.Parameter(name="signed_in", displayName="Signed In",
                                    datatype="GPBoolean", parameterType="Derived",
                                    direction="Output")
        return [user, password, signed_in]

    def execute(self, parameters, messages):
        p = _by_name(parameters)
        token = arcpy.GetSigninToken()
        if p["password"].valueAsText is None and token is None:
            messages.addErrorMessage("Give a password or sign in to the portal.")
            raise arcpy.ExecuteError
        messages.addMessage("Signed in as %s (password: hidden)" % p["username"].valueAsText)
        p["signed_in"].value = True


class WriteTable(object):
    def __init__(self):
        self.label = "Write Table"
        self.description = "Writes rows to a geodatabase table."
        self.category = "Tables"

    def getParameterInfo(self):
        workspace = arcpy.Parameter(name="workspace", displayName="Workspace",
                                    datatype="DEWorkspace", parameterType="Required",
                                    direction="Input")
        name = arcpy.Parameter(name="table_name", displayName="Table Name",
                               datatype="GPString", parameterType="Required",
                               direction="Input")
        rows = arcpy.Parameter(name="rows", displayName="Rows", datatype="GPLong",
                               parameterType="Required", direction="Input")
        out_table = arcpy.Parameter(name="out_table", displayName="Output Table",
                                    datatype="DETable", parameterType="Derived",
                                    direction="Output")
        return [workspace, name, rows, out_table]

    def execute(self, parameters, messages):
        p = _by_name(parameters)
        workspace = p["workspace"].valueAsText
        name = p["table_name"].valueAsText
        arcpy.management.CreateTable(workspace, name)
        table = os.path.join(workspace, name)
        arcpy.AddField_management(table, "SERVICE", "TEXT", field_length=100)
        arcpy.management.AddField(table, "SECONDS", "DOUBLE")
        with arcpy.da.InsertCursor(table, ["SERVICE", "SECONDS"]) as cursor:
            for number in range(p["rows"].value):
                cursor.insertRow(["Maps/S%d.MapServer" % number, number * 1.5])
        count = arcpy.management.GetCount(table)
        messages.addMessage("%s rows written" % count[0])
        p["out_table"].value = table


class ReadConfig(object):
    def __init__(self):
        self.label = "Read Config"
        self.description = "Reads a JSON connection file."
        self.category = "Basics"

    def getParameterInfo(self):
        config = arcpy.Parameter(name="config", displayName="Connection File",
                                 datatype="DEFile", parameterType="Required",
                                 direction="Input")
        config.filter.list = ["json"]
        services = arcpy.Parameter(name="services", displayName="Services",
                                   datatype="GPString", parameterType="Optional",
                                   direction="Input", multiValue=True)
        action = arcpy.Parameter(name="action", displayName="Action", datatype="GPString",
                                 parameterType="Required", direction="Input")
        action.filter.type = "ValueList"
        action.filter.list = ["STOP", "START"]
        summary = arcpy.Parameter(name="summary", displayName="Summary", datatype="GPString",
                                  parameterType="Derived", direction="Output")
        return [config, services, action, summary]

    def execute(self, parameters, messages):
        p = _by_name(parameters)
        with open(p["config"].valueAsText) as handle:
            server = json.load(handle)["server"]
        services = p["services"].values or []
        messages.addMessage("%s %d services on %s" % (p["action"].valueAsText, len(services),
                                                      server))
        p["summary"].value = "%s:%s" % (p["action"].valueAsText, p["services"].valueAsText)


class LongTask(object):
    def __init__(self):
        self.label = "Long Task"
        self.description = "Steps through work with a progressor and honours cancel."
        self.category = "Basics"

    def getParameterInfo(self):
        steps = arcpy.Parameter(name="steps", displayName="Steps", datatype="GPLong",
                                parameterType="Optional", direction="Input")
        steps.value = 5
        auto = arcpy.Parameter(name="auto_cancel", displayName="Auto Cancel",
                               datatype="GPBoolean", parameterType="Optional",
                               direction="Input")
        auto.value = True
        done = arcpy.Parameter(name="done", displayName="Steps Done", datatype="GPLong",
                               parameterType="Derived", direction="Output")
        return [steps, auto, done]

    def execute(self, parameters, messages):
        p = _by_name(parameters)
        steps = p["steps"].value
        if hasattr(arcpy.env, "autoCancelling"):   # absent before ArcMap 10.4 (4.3)
            arcpy.env.autoCancelling = bool(p["auto_cancel"].value)
        arcpy.SetProgressor("step", "Working...", 0, steps, 1)
        done = 0
        for number in range(steps):
            if getattr(arcpy.env, "isCancelled", False):
                messages.addWarningMessage("Stopped after %d steps on request." % done)
                break
            arcpy.SetProgressorLabel("Step %d" % (number + 1))
            done += 1
            arcpy.SetProgressorPosition()
        AFTER_CANCEL.append(done)
        arcpy.ResetProgressor()
        p["done"].value = done


class Fail(object):
    def __init__(self):
        self.label = "Fail"
        self.description = "Fails in several ways."
        self.category = "Basics"

    def getParameterInfo(self):
        how = arcpy.Parameter(name="how", displayName="How", datatype="GPString",
                              parameterType="Required", direction="Input")
        how.filter.list = ["execute_error", "exception", "error_message_only"]
        return [how]

    def execute(self, parameters, messages):
        how = parameters[0].valueAsText
        messages.addMessage("about to fail: %s" % how)
        if how == "execute_error":
            messages.addErrorMessage("Could not stop Maps/Parcels.MapServer.")
            raise arcpy.ExecuteError
        if how == "exception":
            raise ValueError("kaboom")
        messages.addErrorMessage("Something went wrong but execute returned.")


class Unlicensed(object):
    def __init__(self):
        self.label = "Unlicensed"
        self.description = "Never licensed."
        self.category = "Basics"

    def getParameterInfo(self):
        return None

    def isLicensed(self):
        return False

    def execute(self, parameters, messages):
        raise AssertionError("execute must not run when isLicensed is False")
