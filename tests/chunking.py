"""Ways to cut a byte stream into chunks, for tests that must give one result however it is cut."""

from __future__ import annotations

import random
from collections.abc import Iterator


def splits(data: bytes) -> Iterator[list[bytes]]:
    """The stream whole, in two at every boundary (a sample past 1,200 bytes: the first and
    last 60 and 130 more), one byte at a time, and in random pieces."""
    yield [data]
    cuts: list[int] = list(range(1, len(data)))
    if len(data) > 1200:
        rng = random.Random(len(data))
        ends = {*cuts[:60], *cuts[-60:]}
        cuts = sorted(ends | set(rng.sample(cuts, 130)))
    for cut in cuts:
        yield [data[:cut], data[cut:]]
    yield [data[i : i + 1] for i in range(len(data))]
    yield random_pieces(data, random.Random(7), 40)


def random_pieces(data: bytes, rng: random.Random, longest: int) -> list[bytes]:
    """``data`` cut into pieces of 1 to ``longest`` bytes."""
    pieces, at = [], 0
    while at < len(data):
        step = rng.randint(1, longest)
        pieces.append(data[at : at + step])
        at += step
    return pieces
