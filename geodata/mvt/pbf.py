"""The Protocol Buffers wire format, as far as a vector tile needs it, written for many integers at
once with numpy: a point tile is some thirty thousand varints, and the generated protobuf classes
took a microsecond and more for each feature and each value they were given one by one."""

from __future__ import annotations

import numpy as np

# The smallest number that takes k + 2 bytes, for k = 0…8 (a varint holds 7 bits a byte).
_LIMITS = np.array([1 << (7 * k) for k in range(1, 10)], dtype=np.uint64)


def sizes(values: np.ndarray) -> np.ndarray:
    """How many bytes each of ``values`` (uint64) takes as a varint."""
    n = np.ones(len(values), dtype=np.int64)
    for limit in _LIMITS:
        more = values >= limit
        if not more.any():
            break
        n += more
    return n


def varints(values: np.ndarray) -> bytes:
    """``values`` (uint64; a negative int64 cast to it is written in two's complement, as protobuf
    writes an int64) as varints, one after another."""
    values = np.asarray(values, dtype=np.uint64)
    if len(values) == 0:
        return b""
    n = sizes(values)
    at = np.cumsum(n) - n
    out = np.empty(int(at[-1] + n[-1]), dtype=np.uint8)
    for k in range(int(n.max())):  # the k-th byte of those that have one: most have only the first
        if k:
            longer = n > k
            values, n, at = values[longer], n[longer], at[longer]
        out[at + k] = (values & np.uint64(0x7F)).astype(np.uint8) | ((n > k + 1).astype(np.uint8) << 7)
        values = values >> np.uint64(7)
    return out.tobytes()


def varint(n: int) -> bytes:
    """One non-negative integer as a varint."""
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def key(field: int, wire: int) -> bytes:
    """A field's key: its number and wire type (0 varint, 1 fixed64, 2 length-delimited)."""
    return varint(field << 3 | wire)


def delimited(field: int, body: bytes) -> bytes:
    """A length-delimited field: a string, bytes or an embedded message."""
    return key(field, 2) + varint(len(body)) + body


def sums(a: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The sums of ``a``'s consecutive runs of ``counts`` elements."""
    total = np.concatenate([[0], np.cumsum(a)])
    end = np.cumsum(counts)
    return total[end] - total[end - counts]


def spread(first: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Where the elements of consecutive runs of ``counts`` go when run i goes from ``first[i]`` on."""
    run = np.repeat(np.arange(len(counts)), counts)
    return np.arange(len(run)) + (first - (np.cumsum(counts) - counts))[run]
