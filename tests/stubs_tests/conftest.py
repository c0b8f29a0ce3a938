"""Fixtures for the arcpy stub's own tests: installed stub per mode, sample toolbox, writers."""
from __future__ import absolute_import

import io
import os
import textwrap

import pytest

from tests.stubs import gp

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
SAMPLE = os.path.join(DATA, "Sample.pyt")


@pytest.fixture
def pro():
    """The stub installed in ArcGIS Pro mode; uninstalled afterwards."""
    arcpy = gp.install("pro")
    yield arcpy
    gp.uninstall()


@pytest.fixture
def arcmap():
    """The stub installed in ArcMap 10.8 mode."""
    arcpy = gp.install("arcmap")
    yield arcpy
    gp.uninstall()


@pytest.fixture(params=["pro", "arcmap", "arcmap103"])
def any_mode(request):
    """The stub installed in each mode in turn."""
    arcpy = gp.install(request.param)
    yield arcpy
    gp.uninstall()


@pytest.fixture
def sample(pro):
    return gp.load_toolbox(SAMPLE)


HEADER = u"# -*- coding: utf-8 -*-\nimport arcpy\n\n"


@pytest.fixture
def write_pyt(tmp_path):
    """Write a small .pyt (dedented source after a coding line and ``import arcpy``)."""
    def write(source, name="Scratch.pyt", header=True):
        path = os.path.join(str(tmp_path), name)
        text = textwrap.dedent(source)
        with io.open(path, "w", encoding="utf-8") as handle:
            handle.write((HEADER if header else u"") + text)
        return path
    return write


# A minimal valid tool body other tests build on (a template; %s = extra class members).
TOOL = u'''
class Toolbox(object):
    def __init__(self):
        self.label = "T"
        self.alias = "t"
        self.tools = [Tool]


class Tool(object):
    def __init__(self):
        self.label = "Tool"
        self.description = "d"
        self.category = "c"

%s

    def execute(self, parameters, messages):
        messages.addMessage("ran")
'''


def tool_source(members):
    """TOOL with ``members`` (already indented by 4) inserted into the tool class."""
    return TOOL % members
