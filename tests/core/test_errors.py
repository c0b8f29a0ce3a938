"""errors.py: translating the server's envelopes, hints in each front end's words, and the
errors that carry a batch's result."""

import pytest

from agsadmin_core.errors import AdminError, AdminLockBusy, AuthenticationFailed, \
    BatchFailed, Cancelled, ConnectionFailed, InvalidInput, NotFound, RequestTimeout, \
    ServerError, TLSError, TokenRejected, from_envelope, is_error_body, is_lock_message, \
    render_hint
from agsadmin_core.results import BatchResult, FAILED, OK, ServiceResult

LOCK_TEXT = ("Service 'Maps/Parcels.MapServer' is being configured by another administrative "
             "operation. Please try again later.")


@pytest.mark.parametrize("code, cls", [(498, TokenRejected), (499, TokenRejected),
                                       (404, NotFound), (500, ServerError),
                                       (403, ServerError)])
def test_admin_envelope_codes_pick_the_error(code, cls):
    exc = from_envelope({"status": "error", "messages": ["Boom."], "code": code},
                        operation="stop", service="Maps/A.MapServer", url="https://h/x")
    assert type(exc) is cls
    assert exc.code == code and exc.messages == ["Boom."] and exc.url == "https://h/x"
    assert exc.message == "stop failed for Maps/A.MapServer: Boom."
    assert exc.operation == "stop" and exc.service == "Maps/A.MapServer"


def test_rest_envelope_keeps_message_and_details():
    exc = from_envelope({"error": {"code": 400, "message": "Unable to generate token.",
                                   "details": ["Invalid username or password."]}})
    assert type(exc) is ServerError and exc.code == 400
    assert exc.messages == ["Unable to generate token.", "Invalid username or password."]
    assert exc.message == ("The request failed: Unable to generate token. "
                           "Invalid username or password.")


def test_rest_envelope_with_a_single_detail_string():
    exc = from_envelope({"error": {"code": 498, "message": "Invalid token.",
                                   "details": "Token expired."}})
    assert isinstance(exc, TokenRejected) and exc.messages == ["Invalid token.", "Token expired."]


def test_lock_messages_are_recognised_whatever_the_code():
    exc = from_envelope({"status": "error", "messages": [LOCK_TEXT], "code": 500})
    assert type(exc) is AdminLockBusy and isinstance(exc, ServerError)
    store = "Another administrative operation is currently accessing the store."
    assert type(from_envelope({"status": "error", "messages": [store]})) is AdminLockBusy
    assert is_lock_message(LOCK_TEXT.upper()) and is_lock_message(store)
    assert not is_lock_message("Disk full.") and not is_lock_message(None)


def test_odd_envelopes_still_give_a_sentence():
    exc = from_envelope({"status": "error", "messages": "just one", "code": "not a number"})
    assert exc.code is None and exc.messages == ["just one"]
    empty = from_envelope({"status": "error"}, operation="start")
    assert empty.message == "start failed: The server reported an error without a message."
    assert from_envelope({"status": "error", "code": "404"}).code == 404


def test_is_error_body():
    assert is_error_body({"status": "error"})
    assert is_error_body({"error": {"code": 1}})
    assert not is_error_body({"status": "success"})
    assert not is_error_body({"error": "a string is not an envelope"})
    assert not is_error_body(["status", "error"])


def test_hints_use_the_front_ends_words():
    hint = "{list_services}."
    assert render_hint(hint) == "List what exists with 'agsadmin services'."
    assert render_hint(hint, {"list_services": "run the ListServices tool"}) == \
        "Run the ListServices tool."
    assert render_hint("try {unknown_action} now") == "Try {unknown_action} now"
    assert render_hint(None) is None and render_hint("") == ""


def test_str_is_message_and_hint_and_describe_takes_other_words():
    exc = NotFound("No service Maps/Nope.MapServer.")
    assert str(exc) == "No service Maps/Nope.MapServer. List what exists with 'agsadmin services'."
    assert exc.describe({"list_services": "pick one from the list"}) == \
        "No service Maps/Nope.MapServer. Pick one from the list."
    assert str(ServerError("Disk full.")) == "Disk full."
    assert str(AdminError("x", hint="do {raise_timeout}")) == \
        "x Do raise the limit with --timeout"


def test_each_error_has_its_default_hint_and_family():
    assert "--ca-bundle" in str(TLSError("TLS check failed."))
    assert "--timeout" in str(RequestTimeout("No answer."))
    assert "agsadmin login" in str(TokenRejected("Rejected."))
    assert "AGSADMIN_PASSWORD" in str(AuthenticationFailed("Refused."))
    assert issubclass(TLSError, ConnectionFailed) and issubclass(RequestTimeout, ConnectionFailed)
    assert issubclass(TokenRejected, AuthenticationFailed)
    assert AuthenticationFailed("Refused.", hint="").hint == ""   # an explicit hint wins


def test_invalid_input_is_also_a_value_error():
    with pytest.raises(ValueError):
        raise InvalidInput("Bad pattern.")


def _result():
    return BatchResult("stop", [ServiceResult("Maps/A.MapServer", OK, "STARTED", "STOPPED", None),
                                ServiceResult("Maps/B.MapServer", FAILED, "STARTED", None,
                                              "locked")], "stopped")


def test_batch_failed_carries_the_result():
    result = _result()
    exc = BatchFailed("1 of 2 services could not be stopped", result)
    assert exc.result is result and exc.operation == "stop"
    assert [r.service for r in exc.failures] == ["Maps/B.MapServer"]
    assert len(exc.results) == 2


def test_cancelled_with_and_without_a_result():
    result = _result()
    exc = Cancelled("Cancelled.", result=result, operation="stop")
    assert exc.result is result and exc.results == list(result) and exc.operation == "stop"
    early = Cancelled("Cancelled before anything.")
    assert early.result is None and early.results == []
