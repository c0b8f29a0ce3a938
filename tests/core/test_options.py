"""options.py: each option declared once, parsed with one clear sentence, and the command line
refusing a bad number with exit 2 and no traceback."""

import pytest

from agsadmin_core import options
from agsadmin_core.batch import BatchOptions
from tests.core.test_cli import run


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_parse_refuses_what_is_not_a_finite_number(text):
    with pytest.raises(ValueError) as info:
        options.WAIT_TIMEOUT.parse(text)
    assert str(info.value) == "must be a finite number, not '%s'" % text


@pytest.mark.parametrize("option, text", [(options.WAIT_TIMEOUT, "0"),
                                          (options.WAIT_TIMEOUT, "-5"),
                                          (options.WAIT_TIMEOUT, "86401"),
                                          (options.PARALLEL, "0"),
                                          (options.PARALLEL, "33"),
                                          (options.TIMEOUT, "3601")])
def test_parse_refuses_numbers_out_of_range(option, text):
    with pytest.raises(ValueError) as info:
        option.parse(text)
    message = str(info.value)
    # The caller names the option (argparse: "argument --parallel: must be ...").
    assert message == "must be between %s and %s, not '%s'" % (
        "%g" % option.minimum, "%g" % option.maximum, text)
    assert message.count(".") <= 1   # one sentence, not a traceback's worth


def test_parse_refuses_words_and_fractions_for_whole_numbers():
    with pytest.raises(ValueError) as info:
        options.PARALLEL.parse("2.5")
    assert str(info.value) == "must be a whole number, not '2.5'"
    with pytest.raises(ValueError) as info:
        options.TIMEOUT.parse("soon")
    assert str(info.value) == "must be a number, not 'soon'"


def test_parse_accepts_the_limits_and_text_options_as_they_are():
    assert options.PARALLEL.parse("1") == 1 and options.PARALLEL.parse("32") == 32
    assert options.WAIT_TIMEOUT.parse("1") == 1.0 and options.WAIT_TIMEOUT.parse("86400") == 86400
    assert options.FOLDER.parse("Maps") == "Maps"


def test_each_default_lies_within_its_own_range():
    for option in (options.TIMEOUT, options.WAIT_TIMEOUT, options.PARALLEL):
        assert option.minimum <= option.default <= option.maximum, option


def test_the_batch_engine_takes_its_defaults_from_the_declarations(monkeypatch):
    monkeypatch.setattr(options.WAIT_TIMEOUT, "default", 77.0)
    monkeypatch.setattr(options.PARALLEL, "default", 3)
    built = BatchOptions()
    assert (built.timeout, built.parallel) == (77.0, 3)


def test_global_options_are_the_declared_ones_with_unique_flags():
    flags = [flag for option in options.GLOBAL for flag in option.flags]
    assert len(flags) == len(set(flags))
    assert options.TIMEOUT in options.GLOBAL and options.PARALLEL not in options.GLOBAL


@pytest.mark.parametrize("argv", [
    ["--timeout", "nan", "services"],
    ["services", "--timeout", "inf"],
    ["stop", "Maps/*", "--wait-timeout", "nan"],
    ["stop", "Maps/*", "--parallel", "0"],
    ["stop", "Maps/*", "--parallel", "1000"],
])
def test_the_command_line_refuses_bad_numbers_with_exit_2(sandbox, argv):
    result = run(*(["--server", sandbox.url, "--user", "nobody"] + argv))
    assert result.code == 2
    err = result.err
    assert "Traceback" not in err
    flag = [a for a in argv if a.startswith("--")][0]
    assert "error: argument %s: must be" % flag in err
    assert sandbox.requests == []   # refused before anything was sent
