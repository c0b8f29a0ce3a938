"""``arcpy.ValueTable`` and ``arcpy.Result`` (reference 2.4, 5.2 [R15][R30])."""
from __future__ import absolute_import

from . import _compat, _datatypes

# Result.status codes (section 5.2 [R30]).
STATUS_SUCCEEDED = 4
STATUS_FAILED = 5
STATUS_CANCELLED = 8


class ValueTable(object):
    """A table of values: rows of ``columnCount`` cells; text form ``a b;c 'd e'``."""

    __slots__ = ("_rows", "_columns")

    def __init__(self, columns=None):
        if columns is None:
            columns = 0
        if isinstance(columns, bool) or not isinstance(columns, _compat.integer_types):
            raise TypeError("ValueTable(columns) takes the number of columns")
        self._columns = int(columns)
        self._rows = []

    @property
    def rowCount(self):
        return len(self._rows)

    @property
    def columnCount(self):
        return self._columns

    def _row_from(self, value):
        if _compat.is_text(value):
            row = _datatypes.split_row(_compat.to_text(value))
        elif isinstance(value, (list, tuple)):
            row = list(value)
        else:
            raise TypeError("a row is text or a list, not %s" % type(value).__name__)
        if self._columns == 0:
            self._columns = len(row)
        if len(row) != self._columns:
            raise ValueError("row %r has %d values for %d columns"
                             % (value, len(row), self._columns))
        return row

    def _check_index(self, row):
        if not 0 <= row < len(self._rows):
            raise IndexError("ValueTable row %r out of range" % (row,))

    def addRow(self, value):
        self._rows.append(self._row_from(value))

    def setRow(self, row, value):
        self._check_index(row)
        self._rows[row] = self._row_from(value)

    def removeRow(self, row):
        self._check_index(row)
        del self._rows[row]

    def getRow(self, row):
        self._check_index(row)
        return u" ".join(_datatypes.quote_item(_datatypes.to_text(c)) for c in self._rows[row])

    def getValue(self, row, column):
        self._check_index(row)
        return _datatypes.to_text(self._rows[row][column]) or u""

    def getTrueValue(self, row, column):
        self._check_index(row)
        return self._rows[row][column]

    def setValue(self, row, column, value):
        self._check_index(row)
        self._rows[row][column] = value

    def setColumns(self, number_of_columns):
        self._columns = int(number_of_columns)

    def addColumns(self, number_of_columns):
        self._columns += int(number_of_columns)
        for row in self._rows:
            row.extend([None] * int(number_of_columns))

    def exportToString(self):
        return u";".join(self.getRow(i) for i in range(len(self._rows)))

    def loadFromString(self, string):
        self._rows = [self._row_from(r) for r in _compat.to_text(string).split(u";") if r.strip()]

    def __str__(self):
        return str(self.exportToString()) if not _compat.PY2 else \
            self.exportToString().encode("utf-8")

    def __repr__(self):
        return "<ValueTable %r>" % (self.exportToString(),)


class Result(object):
    """What a tool call returns: outputs as text, messages, status (section 5.2 [R30][R37])."""

    __slots__ = ("_tool", "_inputs", "_outputs", "_messages", "_status")

    def __init__(self, tool, inputs, outputs, messages, status):
        self._tool = tool
        self._inputs = list(inputs)
        self._outputs = list(outputs)
        self._messages = list(messages)
        self._status = status

    # Outputs and inputs come back as text, as arcpy's Result does for scalar and dataset
    # outputs (e.g. GetCount's count is the string "42"); an empty output is "".
    def getOutput(self, index):
        return self._outputs[index]

    def getInput(self, index):
        return self._inputs[index]

    @property
    def outputCount(self):
        return len(self._outputs)

    @property
    def inputCount(self):
        return len(self._inputs)

    def getMessages(self, severity=None):
        return u"\n".join(m.text for m in _filter(self._messages, severity))

    def getMessage(self, index):
        return self._messages[index].text

    def getSeverity(self, index):
        return self._messages[index].severity

    @property
    def messageCount(self):
        return len(self._messages)

    @property
    def maxSeverity(self):
        return max([m.severity for m in self._messages] or [0])

    @property
    def status(self):
        return self._status

    @property
    def resultID(self):
        return u""   # local tools have no result ID (section 5.2)

    def cancel(self):
        return None

    def __len__(self):
        return len(self._outputs)

    def __getitem__(self, index):
        return self._outputs[index]

    def __iter__(self):
        return iter(list(self._outputs))

    def __str__(self):
        return str(self._outputs[0]) if self._outputs else ""

    def __repr__(self):
        return "<Result %s status=%d outputs=%r>" % (self._tool, self._status, self._outputs)


def _filter(messages, severity):
    """Severity filter of GetMessages/getMessages: None or 0 all, 1 warnings, 2 errors."""
    if severity in (None, 0):
        return list(messages)
    if severity not in (1, 2):
        raise ValueError("severity is 0, 1 or 2, not %r" % (severity,))
    return [m for m in messages if m.severity == severity]
