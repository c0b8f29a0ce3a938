"""``arcpy.da``: InsertCursor and SearchCursor over the stub's in-memory tables (section 6)."""
from __future__ import absolute_import

import re

from . import _compat, _tables
from ._state import STATE


def _table(in_table):
    table = _tables.STORE.get(in_table)
    if table is None:
        raise RuntimeError('cannot open \'%s\'' % in_table)
    return table


def _columns(table, field_names, allow_star):
    if _compat.is_text(field_names):
        field_names = [field_names]
    if not isinstance(field_names, (list, tuple)) or not field_names:
        raise TypeError("field_names must be a non-empty list of field names")
    indexes = []
    for name in field_names:
        if name == "*" and allow_star:
            indexes.extend(range(len(table.fields)))
            continue
        if name == "OID@":
            indexes.append(0)
            continue
        index, field = table.find_field(name)
        if field is None:
            raise RuntimeError("Cannot find field '%s'" % name)
        indexes.append(index)
    return indexes


class InsertCursor(object):
    """``arcpy.da.InsertCursor``: ``insertRow(seq)`` checks length and types, returns the OID.

    Pro's ``datum_transformation`` and ``explicit`` arguments do not exist in ArcMap
    (section 6 [R32], unconfirmed for ArcMap): passing them there is a TypeError.
    """

    def __init__(self, in_table, field_names, datum_transformation=None, explicit=False):
        STATE.checkpoint()
        if (datum_transformation is not None or explicit) and not STATE.is_pro:
            raise TypeError("InsertCursor() takes (in_table, field_names) in ArcMap 10.x")
        self._table = _table(in_table)
        self._indexes = _columns(self._table, field_names, allow_star=False)
        if 0 in self._indexes:
            raise RuntimeError("The ObjectID field is not editable")
        self.fields = tuple(self._table.fields[i].name for i in self._indexes)
        self._open = True

    def insertRow(self, row):
        STATE.checkpoint()
        if not self._open:
            raise RuntimeError("the cursor has been released (used after 'with' or 'del')")
        if not isinstance(row, (list, tuple)):
            raise TypeError("insertRow takes a list or tuple")
        if len(row) != len(self._indexes):
            raise TypeError("sequence size must match size of the row")
        table = self._table
        values = [None] * len(table.fields)
        for index, value in zip(self._indexes, row):
            values[index] = _tables.check_cell(table.fields[index], value)
        for index, field in enumerate(table.fields[1:], 1):
            if values[index] is None and not field.isNullable and index not in self._indexes:
                raise RuntimeError("Field %s does not accept NULL" % field.name)
        oid = table.next_oid
        values[0] = oid
        table.next_oid += 1
        table.rows.append(values)
        return oid

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._open = False
        return False

    def __del__(self):
        self._open = False


_COMPARE_RE = re.compile(r"^\s*(\w+)\s*(=|<>|<=|>=|<|>)\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*$")
_NULL_RE = re.compile(r"^\s*(\w+)\s+(IS NOT NULL|IS NULL)\s*$", re.I)


def _where(table, clause):
    """A single comparison (``FIELD = 'x'``, ``N > 3``, ``F IS NULL``); anything else raises."""
    if clause is None or clause == "":
        return lambda row: True
    match = _COMPARE_RE.match(clause) or _NULL_RE.match(clause)
    if not match:
        raise NotImplementedError("the arcpy stub's SearchCursor understands one comparison "
                                  "(FIELD op value, FIELD IS [NOT] NULL) only, not %r" % clause)
    name, op = match.group(1), match.group(2).upper()
    index, field = table.find_field(name)
    if field is None:
        raise RuntimeError("An invalid SQL statement was used. [%s]" % clause)
    if op in ("IS NULL", "IS NOT NULL"):
        return lambda row: (row[index] is None) == (op == "IS NULL")
    literal = match.group(3)
    if literal.startswith("'"):
        value = literal[1:-1].replace("''", "'")
    else:
        value = float(literal) if "." in literal else int(literal)
    tests = {"=": lambda a: a == value, "<>": lambda a: a != value,
             "<": lambda a: a < value, ">": lambda a: a > value,
             "<=": lambda a: a <= value, ">=": lambda a: a >= value}
    return lambda row: row[index] is not None and tests[op](row[index])


class SearchCursor(object):
    """``arcpy.da.SearchCursor``: iterate rows as tuples in ``field_names`` order."""

    def __init__(self, in_table, field_names, where_clause=None, spatial_reference=None,
                 explode_to_points=False, sql_clause=(None, None)):
        STATE.checkpoint()
        self._table = _table(in_table)
        self._indexes = _columns(self._table, field_names, allow_star=True)
        self._match = _where(self._table, where_clause)
        names = [field_names] if _compat.is_text(field_names) else list(field_names)
        self.fields = tuple(n for name in names for n in (
            self._table.field_names if name == "*" else
            [name if name == "OID@" else self._table.find_field(name)[1].name]))
        self.reset()

    def reset(self):
        self._rows = iter([r for r in list(self._table.rows) if self._match(r)])

    def __iter__(self):
        return self

    def next(self):
        STATE.checkpoint()
        row = next(self._rows)
        return tuple(row[i] for i in self._indexes)

    __next__ = next

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._rows = iter([])
        return False
