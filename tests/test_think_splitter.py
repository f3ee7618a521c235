"""``<think>`` tags in chat content (vLLM, Ollama, DeepSeek without a reasoning parser) split
into reasoning and text, wherever the chunks cut the tags."""

from __future__ import annotations

import itertools
import random

import pytest

from wireshift.translate._stream_to_responses import _ThinkSplitter


def _expected(text: str) -> list[tuple[bool, str]]:
    """The runs of ``text`` read whole: inside a tag pair is thinking."""
    runs: list[tuple[bool, str]] = []
    inside = False
    while text:
        tag = "</think>" if inside else "<think>"
        at = text.find(tag)
        if at < 0:
            runs.append((inside, text))
            break
        if at:
            runs.append((inside, text[:at]))
        text = text[at + len(tag) :]
        inside = not inside
    return _merged(runs)


def _merged(runs: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for inside, text in runs:
        if out and out[-1][0] == inside:
            out[-1] = (inside, out[-1][1] + text)
        elif text:
            out.append((inside, text))
    return out


def _split(text: str, cuts: list[int]) -> list[tuple[bool, str]]:
    splitter = _ThinkSplitter()
    runs: list[tuple[bool, str]] = []
    for start, end in itertools.pairwise([0, *cuts, len(text)]):
        pieces = splitter.feed(text[start:end])
        assert all(piece for _, piece in pieces)  # never an empty run
        runs += pieces
        # Held back: only the longest end of the text so far that may start the next tag.
        tag = "</think>" if splitter.inside else "<think>"
        held = [size for size in range(1, len(tag)) if text[:end].endswith(tag[:size])]
        assert splitter.pending == (tag[: max(held)] if held else "")
    return _merged(runs + splitter.flush())


TEXTS = [
    "<think>plan it</think>The answer is 4.",
    "plain text with no tag",
    "a < b and c <thin but not a tag</think> x",
    "<think>a<b</think>c</thin<</think><think>d</think>",
    "<<think><<</think>>",
    "ends in a cut tag <thi",
    "<think>never closed </thin",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_single_cut_reads_as_the_whole_text(text: str) -> None:
    assert _split(text, []) == _expected(text)
    for cut in range(len(text) + 1):
        assert _split(text, [cut]) == _expected(text), cut


def test_random_cuts_into_many_chunks() -> None:
    rng = random.Random(7)
    alphabet = ["<", ">", "/", "t", "h", "i", "n", "k", "x", " ", "<think>", "</think>"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        cuts = sorted(rng.sample(range(len(text) + 1), rng.randint(0, min(6, len(text) + 1))))
        assert _split(text, cuts) == _expected(text), (text, cuts)
