"""Messages, progressor and cancellation: the ``messages`` object and the module functions."""
from __future__ import absolute_import

from . import _compat
from ._objects import _filter
from ._state import STATE

_ID_TYPES = {"INFORMATIVE": 0, "WARNING": 1, "ERROR": 2}


def _text(message):
    if message is None:
        return u"None"
    return _compat.to_text(message)


def _id_text(message_type, message_id, arg1, arg2):
    # The real text comes from Esri's message table, which the stub does not have; it writes
    # "<TYPE> <6-digit id>: <arguments>" so tests can still see which ID was used.
    if message_type not in _ID_TYPES:
        raise ValueError("message type is ERROR, INFORMATIVE or WARNING, not %r"
                         % (message_type,))
    try:
        number = int(message_id)
    except (TypeError, ValueError):
        raise ValueError("message ID must be a number, not %r" % (message_id,))
    args = u" ".join(_text(a) for a in (arg1, arg2) if a is not None)
    return _ID_TYPES[message_type], (u"%s %06d: %s" % (message_type, number, args)).rstrip()


class Messages(object):
    """The ``messages`` argument of ``execute``: records, never raises (section 4.1 [R21]).

    Only the documented camelCase methods exist; ``messages.AddMessage`` is an AttributeError.
    """

    __slots__ = ()

    def addMessage(self, message):
        STATE.checkpoint()
        STATE.record(0, _text(message))

    def addWarningMessage(self, message):
        STATE.checkpoint()
        STATE.record(1, _text(message))

    def addErrorMessage(self, message):
        STATE.checkpoint()
        STATE.record(2, _text(message))

    def addIDMessage(self, message_type, message_ID, add_argument1=None, add_argument2=None):
        STATE.checkpoint()
        severity, text = _id_text(message_type, message_ID, add_argument1, add_argument2)
        STATE.record(severity, text)

    def addGPMessages(self):
        """Copy the messages of the last geoprocessing tool run from inside this tool."""
        STATE.checkpoint()
        result = STATE.last_tool_result
        if result is not None:
            for index in range(result.messageCount):
                STATE.record(result.getSeverity(index), result.getMessage(index))


# -- module functions (arcpy.AddMessage and friends) ---------------------------------------
def AddMessage(message):
    STATE.checkpoint()
    STATE.record(0, _text(message))


def AddWarning(message):
    STATE.checkpoint()
    STATE.record(1, _text(message))


def AddError(message):
    STATE.checkpoint()
    STATE.record(2, _text(message))


def AddIDMessage(message_type, message_ID, add_argument1=None, add_argument2=None):
    STATE.checkpoint()
    severity, text = _id_text(message_type, message_ID, add_argument1, add_argument2)
    STATE.record(severity, text)


def AddReturnMessage(index):
    STATE.checkpoint()
    result = STATE.last_tool_result
    if result is None:
        raise IndexError("no geoprocessing tool has run yet")
    STATE.record(result.getSeverity(index), result.getMessage(index))


def _visible_messages():
    # Inside a run: that run's messages; outside: those of the last finished tool run, which
    # is where arcpy.GetMessages(2) finds an ExecuteError's text (section 4.4 [R29]).
    run = STATE.current_run
    return run.messages if run is not None else STATE.last_messages


def GetMessages(severity=None):
    STATE.checkpoint()
    return u"\n".join(m.text for m in _filter(_visible_messages(), severity))


def GetMessage(index):
    STATE.checkpoint()
    return _visible_messages()[index].text


def GetSeverity(index):
    STATE.checkpoint()
    return _visible_messages()[index].severity


def GetMessageCount():
    STATE.checkpoint()
    return len(_visible_messages())


def GetMaxSeverity():
    STATE.checkpoint()
    return max([m.severity for m in _visible_messages()] or [0])


# -- progressor (section 4.2 [R23]) ---------------------------------------------------------
def SetProgressor(type, message=None, min_range=0, max_range=100, step_value=1):
    STATE.checkpoint()
    if type not in ("default", "step"):
        raise ValueError('SetProgressor type must be "default" or "step", not %r' % (type,))
    for name, number in (("min_range", min_range), ("max_range", max_range),
                         ("step_value", step_value)):
        if isinstance(number, bool) or not isinstance(number, _compat.integer_types):
            raise ValueError("SetProgressor %s must be an integer, got %r" % (name, number))
    if type == "step" and (max_range <= min_range or step_value <= 0):
        raise ValueError("a step progressor needs min_range < max_range and step_value > 0")
    STATE.progressor = {"type": type, "min": min_range, "max": max_range, "step": step_value,
                        "position": min_range}
    STATE.progress.append(("SetProgressor", type, None if message is None else _text(message),
                           min_range, max_range, step_value))


def SetProgressorLabel(label):
    STATE.checkpoint()
    STATE.progress.append(("SetProgressorLabel", _text(label)))


def SetProgressorPosition(position=None):
    STATE.checkpoint()
    bar = STATE.progressor
    if position is None:
        position = bar["position"] + bar["step"]
    elif isinstance(position, bool) or not isinstance(position, _compat.integer_types):
        raise ValueError("SetProgressorPosition takes an integer, got %r" % (position,))
    bar["position"] = position
    STATE.progress.append(("SetProgressorPosition", position))
    STATE.count_step()


def ResetProgressor():
    STATE.checkpoint()
    STATE.progressor = {"type": None, "min": 0, "max": 100, "step": 1, "position": 0}
    STATE.progress.append(("ResetProgressor",))
