# -*- coding: utf-8 -*-
"""Issue 8, defects 6 and 11: non-ASCII text survives every error path on 2.7 and 3, and a
401 is a refused sign-in (exit 3), not a server fault."""

import sys

import pytest

from agsadmin_core._compat import to_text
from agsadmin_core.errors import AdminError, AuthenticationFailed, BatchFailed, NotFound, \
    ServerError, TokenRejected, class_for_status, from_envelope
from agsadmin_core.selection import ServiceRef
from tests.core.test_cli import run, site  # noqa: F401 - site is a fixture

CAFE, NIPPON = u"Caf\u00e9", u"\u65e5\u672c"
MESSAGE = u"%s %s: le service est verrouill\u00e9" % (CAFE, NIPPON)


@pytest.mark.parametrize("body", [
    {"status": "error", "messages": [MESSAGE], "code": 500},
    {"status": "error", "messages": MESSAGE.encode("utf-8"), "code": 500},
    {"error": {"code": 500, "message": CAFE, "details": [NIPPON]}},
    {"error": {"code": 500, "message": CAFE, "details": NIPPON}},
])
def test_errors_from_non_ascii_envelopes_are_text(body):
    exc = from_envelope(body, operation="stop", service=u"Cartes/%s.MapServer" % CAFE)
    assert isinstance(exc, ServerError)
    assert CAFE in exc.describe() and CAFE in to_text(exc)
    assert all(isinstance(m, type(u"")) for m in exc.messages)
    native = str(exc)  # UTF-8 bytes on 2.7, text on 3: never UnicodeEncodeError
    assert to_text(native) == exc.describe()
    assert u"%s" % exc == exc.describe() or to_text(u"%s" % exc) == exc.describe()


def test_messages_of_odd_types_do_not_break_the_error():
    exc = from_envelope({"status": "error", "messages": [None, 5, {"a": CAFE}], "code": "x"})
    assert exc.code is None and "5" in exc.describe()


def test_a_service_ref_with_non_ascii_names_is_text():
    ref = ServiceRef(NIPPON, CAFE, "MapServer")
    assert ref.text == u"%s/%s.MapServer" % (NIPPON, CAFE)
    assert to_text(str(ref)) == ref.text
    assert ref.admin_path == u"services/" + ref.text


@pytest.mark.parametrize("code, cls", [(401, AuthenticationFailed), (498, TokenRejected),
                                       (499, TokenRejected), (404, NotFound)])
def test_codes_that_decide_the_class(code, cls):
    assert class_for_status(code) is cls
    assert type(from_envelope({"error": {"code": code, "message": "m"}})) is cls
    assert type(from_envelope({"status": "error", "code": code, "messages": ["m"]})) is cls
    assert class_for_status(500) is None and class_for_status(403) is None


@pytest.mark.parametrize("safe", ["/", u"/"])
def test_paths_with_non_ascii_names_are_quoted_as_utf8(safe):
    from agsadmin_core._compat import quote
    assert quote(u"%s/%s.MapServer" % (NIPPON, CAFE), safe=safe) == \
        u"%E6%97%A5%E6%9C%AC/Caf%C3%A9.MapServer"
    assert quote("Maps/A B.MapServer", safe=safe) == u"Maps/A%20B.MapServer"


def test_admin_error_of_bytes_and_text_alike():
    assert AdminError(MESSAGE.encode("utf-8")).message == MESSAGE
    assert AdminError(MESSAGE, url=u"https://h/%s" % CAFE).url.endswith(CAFE)


# -- over real HTTP ------------------------------------------------------------------------


def test_a_non_ascii_server_message_reaches_the_results(sandbox, connect):
    server = connect()
    sandbox.faults.add("envelope", match="Parcels.MapServer/stop", code=500, message=MESSAGE)
    with pytest.raises(BatchFailed) as info:
        server.services.stop(["Maps/Parcels.MapServer"], batch=False)
    failure = info.value.failures[0]
    assert MESSAGE in failure.message
    str(info.value)  # no UnicodeEncodeError
    assert sandbox.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")


def test_the_cli_prints_a_non_ascii_server_message(sandbox, site):  # noqa: F811
    sandbox.faults.add("envelope", match="Parcels.MapServer/stop", code=500, message=MESSAGE)
    result = run(*(site + ["stop", "Maps/Parcels.MapServer", "--no-batch"]))
    assert result.code == 1 and MESSAGE in result.out + result.err
    assert "Traceback" not in result.err


def test_a_401_envelope_exits_3(sandbox, site):  # noqa: F811
    sandbox.faults.add("envelope", match="services/Maps/report", code=401,
                       message=u"Unauthorized access: %s" % CAFE)
    result = run(*(site + ["services", "Maps/*"]))
    assert result.code == 3, result.err
    assert CAFE in result.err


def add_non_ascii_services(sb):
    """Give the sandbox a folder and a service with non-ASCII names (the seed has none)."""
    return sb.site.add_service(u"%s/%s.MapServer" % (NIPPON, CAFE))


def test_non_ascii_services_stop_and_restart_from_a_journal(sandbox, connect, tmp_path):
    ref = add_non_ascii_services(sandbox)
    server = connect()
    journal = str(tmp_path / "j.json")
    assert [to_text(i.ref) for i in server.services.list(patterns=[NIPPON + u"/*"])] == [ref]
    server.services.stop([NIPPON + u"/*"], journal=journal)
    assert sandbox.site.service_state(ref) == ("STOPPED", "STOPPED")
    results = server.services.start(journal=journal)
    assert [to_text(r.service) for r in results] == [ref]
    assert sandbox.site.service_state(ref) == ("STARTED", "STARTED")
