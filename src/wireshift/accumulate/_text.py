"""Text that arrives in deltas: appended as it comes, joined once when read.

Each piece remembers its event's ``sequence_number``. Pieces are joined in arrival order unless
the numbers say they arrived out of order; then they are joined in sequence order (a piece
without a number stays after every numbered piece that arrived before it).

While pieces arrive in order, all but the last :data:`REORDER_WINDOW` are joined into blocks as
they come, so a long text costs about its own size, not one string object per delta. A piece
that arrives more than that many pieces late is placed after the block it belongs in.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["REORDER_WINDOW", "TextBuffer", "pick_text"]

REORDER_WINDOW = 1024
"""How many of the latest pieces stay separate, so late (out-of-order) pieces can be placed."""


class TextBuffer:
    """The pieces of one text, and the full text a ``.done`` event gave for it, if any."""

    __slots__ = ("_blocks", "_last", "chunks", "disordered", "done", "seqs", "start")

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.seqs: list[int | None] = []
        self._last = -1
        # How many leading chunks are blocks already joined.
        self._blocks = 0
        self.disordered = False
        # The text an `.added` event announced, and the full text a `.done` event gave.
        self.start: str | None = None
        self.done: str | None = None

    def add(self, piece: str, seq: int | None) -> None:
        self.chunks.append(piece)
        self.seqs.append(seq)
        if seq is not None:
            if seq < self._last:
                self.disordered = True
            else:
                self._last = seq
        if len(self.chunks) - self._blocks >= 2 * REORDER_WINDOW and not self.disordered:
            self._compact()

    def _compact(self) -> None:
        # In order so far: the oldest loose pieces become one block, keyed by its last number.
        # Blocks are not joined again, so each piece is copied once however long the text.
        start, cut = self._blocks, len(self.chunks) - REORDER_WINDOW
        numbered = [seq for seq in self.seqs[start:cut] if seq is not None]
        self.chunks[start:cut] = ["".join(self.chunks[start:cut])]
        self.seqs[start:cut] = [numbered[-1] if numbered else None]
        self._blocks = start + 1

    def finish(self, text: str) -> None:
        """Take the full text a ``.done`` event gave. When the pieces received spell exactly
        that text, they are let go and the text stands for them: one copy, not two."""
        self.done = text
        if not self.chunks or self.disordered or not self._spells(text):
            return
        numbered = [seq for seq in self.seqs if seq is not None]
        self.chunks = [text]
        self.seqs = [numbered[-1] if numbered else None]
        self._blocks = 1

    def _spells(self, text: str) -> bool:
        """Whether the pieces, in order, are exactly ``text`` (checked without joining)."""
        at = 0
        for chunk in self.chunks:
            if not text.startswith(chunk, at):
                return False
            at += len(chunk)
        return at == len(text)

    def joined(self) -> str | None:
        """The pieces joined, ``None`` when none came."""
        if not self.chunks:
            return None
        if not self.disordered:
            return "".join(self.chunks)
        keys: list[int] = []
        highest = -1
        for seq in self.seqs:
            if seq is not None and seq > highest:
                highest = seq
            keys.append(highest if seq is None else seq)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        return "".join([self.chunks[i] for i in order])


def pick_text(
    candidates: Sequence[tuple[str, str | None]], pieces: Sequence[str] = ()
) -> tuple[str | None, bool]:
    """The most complete of several versions of one text, and whether they disagreed.

    ``candidates`` are ``(source, text)`` pairs in rising authority (deltas first, the done
    item last). The longest text wins; between texts of equal length, the later source.
    Absent (``None``) and empty versions do not count as disagreeing. ``pieces`` are the
    deltas received: when the winner lacks one of them, the deltas joined win instead, so that
    no received delta is ever lost.
    """
    best: str | None = None
    disagree = False
    for _source, text in candidates:
        if text is None:
            continue
        if best is None or len(text) >= len(best):
            if best and text != best:
                disagree = True
            best = text
        elif text and text != best:
            disagree = True
    if disagree and pieces and best is not None and any(piece not in best for piece in pieces):
        best = "".join(pieces)
    return best, disagree
