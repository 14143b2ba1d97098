"""A vector tile layer's properties: its keys and values, each written once, and the tags that point
each feature at them (spec 2.1, 4.4). Properties come by column, as a store's rows give them; the
columns of ints, as ids are, are numbered with numpy, and the values that are varints are written at
once, so a point tile's 2,000 ids cost no Python call each."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from geodata.mvt import pbf

_INT, _BOOL, _OTHER, _NONE = 0, 1, 2, 3  # how a value is written (_NONE: it is left out)
_VALUES = 4 << 3 | 2  # Layer's values: length-delimited
_INT_VALUE, _BOOL_VALUE = 4 << 3 | 0, 7 << 3 | 0  # Value's fields: varints


def tags(props: Mapping[str, Sequence], feature: np.ndarray):
    """For the features at ``feature`` (indices into the columns): the layer's keys, its values
    (Layer's field 4, written), and the features' tags, all in one array, with how many each has.
    None is left out, as ST_AsMVT leaves it, and so is what a tile cannot hold. A key or value is
    written once, if a feature uses it, in the order the features first use them (as
    ``mapbox-vector-tile`` writes them)."""
    names = list(props)
    if not names or len(feature) == 0:
        return [], b"", np.empty(0, np.uint64), np.zeros(len(feature), np.int64)
    values = _Values(props.values())
    code = values.code[feature]
    has = values.form[code] != _NONE
    used, first = np.unique(code[has], return_index=True)
    order = used[np.argsort(first)]
    renumber = np.empty(len(values.form), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    n_cols = len(names)
    key_first = np.where(has.any(axis=0), has.argmax(axis=0) * n_cols + np.arange(n_cols), code.size)
    key_order = np.argsort(key_first, kind="stable")[: int(has.any(axis=0).sum())]
    key = np.empty(n_cols, dtype=np.int64)
    key[key_order] = np.arange(len(key_order))
    pairs = np.stack([np.broadcast_to(key, code.shape), renumber[code]], axis=-1)[has]
    keys = [names[i] for i in key_order]
    return keys, values.written(order), pairs.ravel().astype(np.uint64), 2 * has.sum(axis=1)


class _Values:
    """Every distinct value of the columns, numbered (``code``, rows × columns): first the ints of the
    columns of ints, by numpy; then the rest, by a dict keyed by type too (1, 1.0 and True are apart
    in a tile, and equal in Python). ``form`` is how each is written."""

    def __init__(self, columns: Iterable[Sequence]):
        self._int_columns: list[np.ndarray] = []
        self._others: dict[tuple[type, object], int] = {}
        found = [self._column(c) for c in columns]
        ints = np.unique(np.concatenate(self._int_columns)) if self._int_columns else np.empty(0, np.int64)
        others = [v for _, v in self._others]
        other_form = [_form(v) for v in others]
        # An int that a column of ints and another column both hold is one value.
        same = np.arange(len(ints) + len(others))
        for i, (v, form) in enumerate(zip(others, other_form, strict=True)):
            if form == _INT and (at := np.searchsorted(ints, v)) < len(ints) and ints[at] == v:
                same[len(ints) + i] = at
        self.code = np.column_stack(
            [same[np.searchsorted(ints, c) if is_int else len(ints) + np.asarray(c)] for is_int, c in found]
        )
        self.form = np.concatenate([np.full(len(ints), _INT), np.array(other_form, dtype=np.int64)])
        self._ints, self._other_values = ints, others

    def _column(self, column) -> tuple[bool, object]:
        kinds = set(map(type, column))
        if kinds == {int}:
            try:
                self._int_columns.append(np.array(column, dtype=np.int64))
                return True, self._int_columns[-1]
            except OverflowError:
                pass  # one is out of int64's range: the dict has it
        number = self._others.setdefault
        if len(kinds - {type(None)}) > 1:
            return False, [number((v.__class__, v), len(self._others)) for v in column]
        # One type and None: equal is the same, so each distinct value is looked up once.
        local = {v: number((v.__class__, v), len(self._others)) for v in dict.fromkeys(column)}
        return False, list(map(local.__getitem__, column))

    def written(self, order: np.ndarray) -> bytes:
        """The values of the codes ``order``, in that order, as Layer's values: ints in int_value
        (as ``mapbox-vector-tile`` writes them) and bools, at once; floats, strings and the ints
        only a uint64 holds, one by one."""
        form, n_ints = self.form[order], len(self._ints)
        at_once, one_by_one = np.flatnonzero(form != _OTHER), np.flatnonzero(form == _OTHER)
        code = order[at_once]
        number = np.empty(len(code), dtype=np.uint64)
        ints = code < n_ints
        number[ints] = self._ints[code[ints]].astype(np.uint64)
        rest = [self._other_values[i - n_ints] for i in code[~ints].tolist()]  # bools, ints of a mixed column
        number[~ints] = np.array(rest, dtype=np.int64).astype(np.uint64)
        size = 1 + pbf.sizes(number)  # the Value message: its field's key and the number
        laid = np.empty((len(code), 4), dtype=np.uint64)
        laid[:, 0], laid[:, 1], laid[:, 3] = _VALUES, size, number
        laid[:, 2] = np.where(form[at_once] == _INT, _INT_VALUE, _BOOL_VALUE)
        varints = pbf.varints(laid.ravel())
        if len(one_by_one) == 0:
            return varints
        written = [_other_value(self._other_values[i - n_ints]) for i in order[one_by_one].tolist()]
        length = np.empty(len(order), dtype=np.int64)
        length[at_once], length[one_by_one] = 2 + size, [len(w) for w in written]
        start = np.cumsum(length) - length
        out = np.empty(int(length.sum()), dtype=np.uint8)
        out[pbf.spread(start[at_once], 2 + size)] = np.frombuffer(varints, dtype=np.uint8)
        for at, w in zip(start[one_by_one].tolist(), written, strict=True):
            out[at : at + len(w)] = np.frombuffer(w, dtype=np.uint8)
        return out.tobytes()


def _form(v) -> int:
    if isinstance(v, bool):  # before int: bool is an int
        return _BOOL
    if isinstance(v, int):
        return _INT if -(2**63) <= v < 2**63 else _OTHER if 0 <= v < 2**64 else _NONE
    return _OTHER if isinstance(v, float | str) else _NONE


def _other_value(v) -> bytes:
    if isinstance(v, str):
        body = pbf.delimited(1, v.encode())
    elif isinstance(v, float):
        body = pbf.key(3, 1) + struct.pack("<d", v)
    else:
        body = pbf.key(5, 0) + pbf.varint(v)  # uint_value
    return pbf.delimited(4, body)
