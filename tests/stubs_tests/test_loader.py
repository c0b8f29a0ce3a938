"""Loading a .pyt: the checks ArcGIS makes before a toolbox or tool is usable (section 1)."""
from __future__ import absolute_import

import os
import sys

import pytest

from tests.stubs import gp
from tests.stubs_tests.conftest import SAMPLE, tool_source


def test_sample_loads(sample):
    assert sample.alias == "sample"
    assert sample.label == "Sample"
    assert sample.tool_names == ["Echo", "SignIn", "WriteTable", "ReadConfig", "LongTask",
                                 "Fail", "Unlicensed"]


def test_each_load_is_a_fresh_module(pro):
    first = gp.load_toolbox(SAMPLE)
    second = gp.load_toolbox(SAMPLE)
    assert first.module is not second.module
    assert first.module.__name__ != second.module.__name__


def test_loader_per_python_version(sample):
    # Python 2: imp.load_source; Python 3: importlib's SourceFileLoader (section 1.4).
    if sys.version_info[0] == 2:
        assert sample.module.__file__ in (SAMPLE, SAMPLE + "c")
    else:
        import importlib.machinery
        assert isinstance(sample.module.__loader__, importlib.machinery.SourceFileLoader)


def test_no_bytecode_beside_the_toolbox(sample):
    folder = os.path.dirname(SAMPLE)
    assert not os.path.exists(SAMPLE + "c")
    assert not os.path.exists(os.path.join(folder, "__pycache__"))


def test_toolbox_folder_is_not_put_on_sys_path(sample):
    # Undocumented in ArcGIS (section 1.4): the toolbox must set up its own path.
    assert os.path.dirname(SAMPLE) not in sys.path


def _load_error(path):
    with pytest.raises(gp.ToolboxLoadError) as info:
        gp.load_toolbox(path)
    return info.value


def test_not_a_pyt(pro, write_pyt):
    assert "not a Python toolbox" in str(_load_error(write_pyt("x = 1\n", name="T.py")))


def test_syntax_error_is_a_load_error(pro, write_pyt):
    error = _load_error(write_pyt("class Toolbox(object:\n    pass\n"))
    assert "SyntaxError" in str(error) and error.tool is None


def test_import_error_is_a_load_error(pro, write_pyt):
    error = _load_error(write_pyt("import no_such_helper_module\n"))
    assert "no_such_helper_module" in str(error)


def test_toolbox_class_name_is_exact(pro, write_pyt):
    assert "Toolbox" in str(_load_error(write_pyt("class MyToolbox(object):\n    pass\n")))


@pytest.mark.parametrize("alias", ["my_tools", "my-tools", "1tools", "", None, "my tools"])
def test_alias_letters_and_digits(pro, write_pyt, alias):
    source = tool_source("").replace('self.alias = "t"', "self.alias = %r" % (alias,))
    assert "alias" in str(_load_error(write_pyt(source)))


@pytest.mark.parametrize("name", ["Stop_Services", "_Tool"])
def test_tool_class_names_letters_and_digits(pro, write_pyt, name):
    source = tool_source("").replace("class Tool(", "class %s(" % name) \
        .replace("self.tools = [Tool]", "self.tools = [%s]" % name)
    error = _load_error(write_pyt(source))
    assert error.tool == name


def test_tools_must_be_a_list_of_classes(pro, write_pyt):
    source = tool_source("")
    assert "list" in str(_load_error(write_pyt(source.replace("[Tool]", "(Tool,)"))))
    assert "classes" in str(_load_error(write_pyt(source.replace("[Tool]", "[Tool()]"))))


@pytest.mark.parametrize("attribute,value", [("label", '"Tool"'), ("description", '"d"'),
                                             ("category", '"c"')])
def test_tool_needs_label_description_category(pro, write_pyt, attribute, value):
    line = "self.%s = %s" % (attribute, value)
    source = tool_source("").replace(line, "self.other = %s" % value)
    error = _load_error(write_pyt(source))
    assert attribute in str(error) and error.tool == "Tool"


def test_tool_init_failure_is_a_load_error(pro, write_pyt):
    source = tool_source("").replace('self.category = "c"', 'self.category = 1 / 0')
    error = _load_error(write_pyt(source))
    assert "ZeroDivisionError" in str(error) and error.tool == "Tool"


def test_non_ascii_without_coding_line_breaks_arcmap(arcmap, write_pyt):
    source = tool_source("").replace('"d"', u'"caf\u00e9"')
    path = write_pyt(source, header=False)
    with open(path, "rb") as handle:
        body = handle.read()
    with open(path, "wb") as handle:
        handle.write(b"import arcpy\n" + body)
    assert "Non-ASCII" in str(_load_error(path))


def test_non_ascii_with_coding_line_loads_in_arcmap(arcmap, write_pyt):
    source = tool_source("").replace('"d"', u'u"caf\\u00e9"')
    gp.load_toolbox(write_pyt(source))
