"""Dialog-like validation: pass order, altered/hasBeenValidated, locks, idempotence, timing."""
from __future__ import absolute_import

import pytest

from tests.stubs import gp
from tests.stubs_tests.conftest import tool_source

PAIR = '''
    def getParameterInfo(self):
        a = arcpy.Parameter(name="a", displayName="A", datatype="GPString",
                            parameterType="Required", direction="Input")
        b = arcpy.Parameter(name="b", displayName="B", datatype="GPString",
                            parameterType="Optional", direction="Input")
        return [a, b]

    def updateParameters(self, parameters):
        a, b = parameters
        # The documented idiom for "the user just changed this" (section 2.4 [R60]).
        if a.altered and not a.hasBeenValidated:
            b.value = a.valueAsText.upper()

    def updateMessages(self, parameters):
        if parameters[1].valueAsText == "BAD":
            parameters[1].setErrorMessage("B must not be BAD")
'''


def _tbx(write_pyt, members):
    return gp.load_toolbox(write_pyt(tool_source(members)))


def test_validate_applies_edits_in_order(pro, write_pyt):
    tbx = _tbx(write_pyt, PAIR)
    params = gp.validate(tbx, "Tool", edits=[("a", "abc")])
    assert params.get("b").valueAsText == "ABC"
    assert params.get("a").altered is True
    assert all(p.hasBeenValidated for p in params)
    # The user then overrides b: further passes must not overwrite it.
    params = gp.validate(tbx, "Tool", edits=[("a", "abc"), ("b", "mine")])
    assert params.get("b").valueAsText == "mine"


def test_internal_errors_then_update_messages(pro, write_pyt):
    tbx = _tbx(write_pyt, PAIR)
    params = gp.validate(tbx, "Tool")
    assert params.messages()["a"] == (2, "ERROR 000735: Value is required")
    params = gp.validate(tbx, "Tool", edits=[("a", "bad")])
    assert params.get("b").hasError() and params.get("b").message == "B must not be BAD"
    assert not params.get("a").hasError()


def test_validate_rejects_unknown_and_derived_edits(sample):
    with pytest.raises(ValueError):
        gp.validate(sample, "Echo", edits=[("txt", "x")])
    with pytest.raises(ValueError):
        gp.validate(sample, "Echo", edits=[("out_text", "x")])


def test_non_idempotent_validation_is_caught(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="a", displayName="A", datatype="GPString",
                                parameterType="Optional", direction="Input")]

    def updateParameters(self, parameters):
        parameters[0].value = (parameters[0].valueAsText or "") + "x"
'''
    tbx = _tbx(write_pyt, members)
    with pytest.raises(gp.ValidationNotIdempotent):
        gp.validate(tbx, "Tool")
    gp.validate(tbx, "Tool", passes=0)
    gp.validate(tbx, "Tool", check_idempotent=False)


def test_definition_properties_are_locked_during_validation(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="a", displayName="A", datatype="GPString",
                                parameterType="Optional", direction="Input")]

    def updateParameters(self, parameters):
        parameters[0].enabled = False          # allowed
        parameters[0].filter.list = ["x"]      # allowed
        parameters[0].parameterType = "Required"   # not allowed (section 2.2 [R11])
'''
    tbx = _tbx(write_pyt, members)
    params = gp.validate(tbx, "Tool")
    assert params[0].hasError()
    assert "parameterType cannot be changed in updateParameters" in params[0].message
    assert params[0].enabled is False
    with pytest.raises(gp.ExecuteError) as info:
        gp.run_tool(tbx, "Tool")
    assert "cannot be changed" in str(info.value)


@pytest.mark.parametrize("name", ["category", "datatype", "direction", "displayName",
                                  "multiValue", "name", "parameterDependencies"])
def test_each_locked_property(pro, write_pyt, name):
    values = {"category": "'Other'", "datatype": "'GPLong'", "direction": "'Output'",
              "displayName": "'Z'", "multiValue": "True", "name": "'z'",
              "parameterDependencies": "[]"}
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="a", displayName="A", datatype="GPString",
                                parameterType="Optional", direction="Input")]

    def updateMessages(self, parameters):
        parameters[0].%s = %s
''' % (name, values[name])
    params = gp.validate(_tbx(write_pyt, members), "Tool")
    assert "cannot be changed in updateMessages" in params[0].message


def test_exception_in_validation_shows_on_first_parameter(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="a", displayName="A", datatype="GPString",
                                parameterType="Optional", direction="Input")]

    def updateMessages(self, parameters):
        parameters[0].Value
'''
    tbx = _tbx(write_pyt, members)
    params = gp.validate(tbx, "Tool")
    assert params[0].hasError()
    assert "AttributeError" in params[0].message and "Value" in params[0].message
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "Tool")
    assert "ran" not in [m.text for m in gp.messages()]


def test_timings_are_recorded(sample):
    params = gp.validate(sample, "Echo", edits=[("text", "x")], passes=2)
    methods = [t[1] for t in params.timings]
    assert methods.count("updateParameters") == 4   # open + 1 edit + 2 passes
    assert methods.count("updateMessages") == 4
    assert methods.count("internal") == 4
    assert all(t[0] == "Echo" and t[2] >= 0 for t in params.timings)
    assert gp.timings()[-len(params.timings):] == params.timings


def test_slow_validation_is_reported(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return []

    def updateParameters(self, parameters):
        import time
        time.sleep(0.05)
'''
    tbx = _tbx(write_pyt, members)
    with pytest.raises(AssertionError):
        gp.validate(tbx, "Tool", passes=1, max_seconds=0.01)
    gp.validate(tbx, "Tool", passes=1, max_seconds=5)


def test_derived_input_skips_existence_checks(pro, write_pyt, tmp_path):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="f", displayName="F", datatype="DEFile",
                                parameterType="Required", direction="Input")]
'''
    tbx = _tbx(write_pyt, members)
    params = gp.parameters(tbx, "Tool")
    assert len(params) == 1 and params[0].name == "f"
    missing = str(tmp_path.joinpath("upstream.json"))
    assert gp.validate(tbx, "Tool", edits=[("f", missing)]).get("f").hasError()
    params = gp.validate(tbx, "Tool", edits=[("f", missing)], derived=["f"])
    assert params.get("f").isInputValueDerived() and not params.get("f").hasError()


def test_building_a_parameter_during_validation_is_allowed(pro, write_pyt):
    members = '''
    def getParameterInfo(self):
        return [arcpy.Parameter(name="a", displayName="A", datatype="GPString",
                                parameterType="Optional", direction="Input")]

    def updateParameters(self, parameters):
        arcpy.Parameter(name="probe", displayName="Probe", datatype="GPLong")
'''
    params = gp.validate(_tbx(write_pyt, members), "Tool")
    assert not params[0].hasError()


def test_parameters_accepts_a_path(pro):
    from tests.stubs_tests.conftest import SAMPLE
    names = [p.name for p in gp.parameters(SAMPLE, "Echo")]
    assert names == ["text", "repeat", "shout", "out_text"]
