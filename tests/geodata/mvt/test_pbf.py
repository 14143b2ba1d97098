"""The protobuf wire format written in bulk (geodata/mvt/pbf.py), against protobuf's own encoder."""

from __future__ import annotations

import numpy as np
from google.protobuf.internal.encoder import _VarintBytes

from geodata.mvt import pbf

EDGES = [
    0,
    1,
    127,
    128,
    255,
    16383,
    16384,
    2**21 - 1,
    2**21,
    2**35,
    2**56 - 1,
    2**56,
    2**63 - 1,
    2**63,
    2**64 - 1,
]


def test_varints_are_protobufs_byte_for_byte():
    rng = np.random.default_rng(1)
    values = EDGES + rng.integers(0, 2**63, 200).tolist() + rng.integers(0, 300, 200).tolist()
    values = np.array(values, dtype=np.uint64)
    assert pbf.varints(values) == b"".join(_VarintBytes(int(v)) for v in values)
    assert pbf.sizes(values).tolist() == [len(_VarintBytes(int(v))) for v in values]
    assert [pbf.varint(v) for v in EDGES] == [_VarintBytes(v) for v in EDGES]
    assert pbf.varints(np.empty(0, dtype=np.uint64)) == b""


def test_a_negative_int64_is_ten_bytes_of_twos_complement():
    values = np.array([-1, -(2**40), -(2**63)], dtype=np.int64).astype(np.uint64)
    assert pbf.varints(values) == b"".join(_VarintBytes(int(v) + 2**64) for v in (-1, -(2**40), -(2**63)))
    assert pbf.sizes(values).tolist() == [10, 10, 10]


def test_runs():
    counts = np.array([2, 0, 3])
    assert pbf.sums(np.array([1, 2, 3, 4, 5]), counts).tolist() == [3, 0, 12]
    assert pbf.spread(np.array([10, 20, 30]), counts).tolist() == [10, 11, 30, 31, 32]
