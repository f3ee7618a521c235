"""What a tool-call sequence check finds, what a repair does, and how a repair is tuned."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, Protocol

from .._errors import ToolSequenceError
from .._format import Format
from .._notes import Note, NoteAction

__all__ = [
    "FixKind",
    "ProblemKind",
    "RepairPolicy",
    "RepairResult",
    "ToolIdRules",
    "ToolSequenceError",
    "ToolSequenceFix",
    "ToolSequenceProblem",
    "ToolSequenceReport",
]


class ToolIdRules(Protocol):
    """What the checks read from a backend profile: the ids it accepts.

    Any object will do (a ``wireshift`` profile, a dataclass, a namespace); a missing
    attribute, or ``None``, means "no rule". ``tool_id_pattern`` is a regular expression the
    whole id must match. Whether to repair at all (a profile's ``strict_tool_sequences``) is
    the caller's decision: the sequence rule itself is the same for every backend.
    """

    @property
    def tool_id_max_length(self) -> int | None: ...

    @property
    def tool_id_pattern(self) -> str | None: ...


class ProblemKind(str, Enum):
    """The kinds of tool-sequence problems. Values are stable strings."""

    MISSING_RESULT = "missing_result"
    """A call has no result at all (the stream was cut, the tool never ran)."""
    INTERRUPTED = "interrupted"
    """Messages stand between a call and its result (Chat: any message; Responses: an
    assistant or user message, that is a new model turn)."""
    ORPHAN_RESULT = "orphan_result"
    """A result whose id matches no earlier call (its call is missing or stands later)."""
    MISPLACED_RESULT = "misplaced_result"
    """A result whose call is earlier, but another turn's tool calls stand between them."""
    DUPLICATE_CALL_ID = "duplicate_call_id"
    """One id on two or more calls."""
    DUPLICATE_RESULT = "duplicate_result"
    """A second result for a call that already has one."""
    MISSING_ID = "missing_id"
    """A call or result with an empty or missing id."""
    INVALID_ID = "invalid_id"
    """A call id the profile rejects (too long, or characters outside its pattern)."""
    EMPTY_NAME = "empty_name"
    """A call with an empty or missing tool name."""
    SPLIT_PARALLEL_CALLS = "split_parallel_calls"
    """One turn's parallel calls split across consecutive assistant messages (Chat)."""
    REPEATED_MESSAGE = "repeated_message"
    """An assistant message (or Responses call item) identical to the one just before it.
    Without calls it breaks no backend's rule: reported, kept by the repair unless
    :attr:`RepairPolicy.drop_repeats`, and a report holding only such repeats is ``ok``."""


class FixKind(str, Enum):
    """The kinds of repairs. Values are stable strings."""

    MOVED_INTERRUPTERS = "moved_interrupters"
    """Messages that stood between calls and their results now follow the results."""
    ATTACHED_RESULT = "attached_result"
    """A result standing away from its call was moved right after it."""
    SYNTHESIZED_RESULT = "synthesized_result"
    """A call with no result got one that says it was not executed."""
    CONVERTED_RESULT = "converted_result"
    """A result with no call to belong to became a user text message holding its output."""
    DROPPED_RESULT = "dropped_result"
    """A result with no call to belong to was dropped (only when the policy says so)."""
    MERGED_CALLS = "merged_calls"
    """Split parallel calls were merged into the first assistant message."""
    DROPPED_REPEAT = "dropped_repeat"
    """An exact repeat of the message before it was dropped."""
    REPLACED_ID = "replaced_id"
    """A missing, duplicate or rejected call id was replaced, in the call and its result."""
    DROPPED_CALL = "dropped_call"
    """A call with no tool name was dropped (only when the policy says so)."""


LOSSY_FIXES = frozenset({FixKind.DROPPED_RESULT, FixKind.DROPPED_CALL})
"""Fixes after which a tool output or call is gone (an exact repeat loses nothing)."""

_NOTE_ACTIONS: dict[FixKind, NoteAction] = {
    FixKind.MOVED_INTERRUPTERS: "moved",
    FixKind.ATTACHED_RESULT: "moved",
    FixKind.SYNTHESIZED_RESULT: "added",
    FixKind.CONVERTED_RESULT: "changed",
    FixKind.DROPPED_RESULT: "dropped",
    FixKind.MERGED_CALLS: "changed",
    FixKind.DROPPED_REPEAT: "dropped",
    FixKind.REPLACED_ID: "changed",
    FixKind.DROPPED_CALL: "dropped",
}


@dataclass(frozen=True)
class ToolSequenceProblem:
    """One problem in a history.

    ``positions`` are indexes into the history as given, the entries at fault (for
    ``interrupted``: the interrupting messages; for ``duplicate_call_id``: every call sharing
    the id). ``ids`` are the call ids concerned, as written in the input.
    """

    kind: ProblemKind
    positions: tuple[int, ...]
    ids: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.message}"

    def to_note(self, field: str = "input") -> Note:
        """This problem as a :class:`~wireshift.Note` (action ``kept``: nothing was done)
        whose path indexes ``field``."""
        where = f"{field}[{self.positions[0]}]" if self.positions else field
        return Note(
            path=where,
            action="kept",
            reason=self.message,
            code=f"tool_sequence.{self.kind.value}",
            detail={"positions": list(self.positions), "ids": list(self.ids)},
        )


class ToolSequenceReport(list[ToolSequenceProblem]):
    """What :func:`validate_tool_sequence` found: a list of the problems, in input order
    (empty when the history is valid), with the same as :attr:`notes`."""

    def __init__(self, problems: list[ToolSequenceProblem], format: Format) -> None:
        super().__init__(problems)
        self.format: Format = format

    @property
    def problems(self) -> list[ToolSequenceProblem]:
        return list(self)

    @property
    def ok(self) -> bool:
        """Whether the history passes the rule: no problem but repeated messages without
        calls (reported, harmless)."""
        return all(p.kind is ProblemKind.REPEATED_MESSAGE and not p.ids for p in self)

    @property
    def notes(self) -> list[Note]:
        """Each problem as a note whose path indexes ``messages`` (chat) or ``input``."""
        field = "messages" if self.format == "chat" else "input"
        return [problem.to_note(field) for problem in self]


@dataclass(frozen=True)
class ToolSequenceFix:
    """One repair applied.

    ``positions`` are indexes into the history as given (for a synthesized result: its call;
    for moved interrupters: the messages moved). ``ids`` are the call ids concerned, as
    written in the input; ``new_id`` is the replacement of a ``replaced_id`` fix.
    ``action`` says in words what was done.
    """

    kind: FixKind
    positions: tuple[int, ...]
    ids: tuple[str, ...]
    action: str
    new_id: str | None = None

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.action}"

    def to_note(self, field: str = "input") -> Note:
        """This fix as a :class:`~wireshift.Note` whose path indexes ``field``
        (``"input"`` for a Responses request, ``"messages"`` for a Chat one)."""
        where = f"{field}[{self.positions[0]}]" if self.positions else field
        detail: dict[str, Any] = {"positions": list(self.positions), "ids": list(self.ids)}
        if self.new_id is not None:
            detail["new_id"] = self.new_id
        return Note(
            path=where,
            action=_NOTE_ACTIONS[self.kind],
            reason=self.action,
            code=f"tool_sequence.{self.kind.value}",
            detail=detail,
            lossy=self.kind in LOSSY_FIXES,
        )


DEFAULT_MISSING_RESULT_TEXT = (
    "This tool call was not executed: no result was recorded for it "
    "(the turn was interrupted before the tool ran)."
)
DEFAULT_ORPHAN_HEADER = "Output of tool call {call_id}, whose call is not in this conversation:"


@dataclass(frozen=True)
class RepairPolicy:
    """How :func:`repair_tool_sequence` repairs. Every repair is recorded as a fix.

    Interrupting messages are always moved after the results, and duplicate, missing or
    rejected ids always replaced: the strict rule leaves no other choice.
    """

    missing_result_text: str = DEFAULT_MISSING_RESULT_TEXT
    """The output of a result synthesized for a call that has none."""
    attach_orphans: bool = True
    """A result standing *before* its call is moved after it. When false, it is handled as
    ``orphan_result`` says, and the call gets a synthesized result."""
    orphan_result: Literal["to_text", "drop"] = "to_text"
    """A result with no call to belong to (none at all, or its call already answered):
    ``"to_text"`` turns it into a user message holding its output verbatim; ``"drop"``
    drops it (the only repair that loses a tool output)."""
    orphan_header: str = DEFAULT_ORPHAN_HEADER
    """The first text part of a converted result; ``{call_id}`` is replaced by its id."""
    merge_split_calls: bool = True
    """Merge parallel calls split across consecutive assistant messages (Chat). When false,
    each message keeps its calls and gets its results right after it."""
    drop_repeats: bool = False
    """Drop an assistant message identical to the one before it. Off by default: such a
    repeat (Codex re-sends its finished message when it retries) breaks no backend's rule,
    so it is kept, and :func:`validate_tool_sequence` reports it. A repeat that carries
    calls is dropped either way: its calls would otherwise be answered twice, or not at all."""
    drop_nameless_calls: bool = False
    """Drop calls with an empty tool name (their results become orphans). Off by default:
    the call is kept as is and the ``empty_name`` problem stays."""


@dataclass(frozen=True)
class RepairResult:
    """The repaired history, in the form it came in, and the fixes applied (in input order)."""

    history: list[Any]
    fixes: list[ToolSequenceFix]
    format: Format = "responses"
    """The history's format: ``"chat"`` (messages) or ``"responses"`` (input items)."""

    @property
    def changed(self) -> bool:
        return bool(self.fixes)

    @property
    def notes(self) -> list[Note]:
        """Each fix as a note whose path indexes ``messages`` (chat) or ``input``."""
        field = "messages" if self.format == "chat" else "input"
        return [fix.to_note(field) for fix in self.fixes]
