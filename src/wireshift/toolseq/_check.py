"""Reading a history against the strict tool-sequence rule: which result answers which call,
where each one stands, and the problems found. The repair works from the same reading."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._boundary import boundary
from .._errors import ArgumentTypeError, quoted
from .._profiles import Profile, get_profile
from ._problems import (
    ProblemKind,
    ToolIdRules,
    ToolSequenceError,
    ToolSequenceProblem,
    ToolSequenceReport,
)
from ._wire import CallRef, Entry, EntryKind, Format, classify, detect_format, same_message, to_wire

__all__ = ["validate_tool_sequence"]

Placement = Literal["in_place", "interrupted", "misplaced", "early"]
IdReason = Literal["missing", "duplicate", "invalid"]


@dataclass(frozen=True)
class IdRules:
    """The id rules of a profile, read once."""

    max_length: int | None = None
    pattern: re.Pattern[str] | None = None

    @classmethod
    def of(cls, profile: ToolIdRules | None) -> IdRules:
        max_length = getattr(profile, "tool_id_max_length", None)
        pattern = getattr(profile, "tool_id_pattern", None)
        try:
            compiled = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise ToolSequenceError(
                f"the profile's tool_id_pattern is not a regex: {exc}"
            ) from None
        return cls(max_length, compiled)

    def rejects(self, call_id: str) -> str | None:
        """Why the profile rejects a (non-empty) id, or ``None``."""
        if self.max_length is not None and len(call_id) > self.max_length:
            return f"longer than {self.max_length} characters"
        if self.pattern is not None and not self.pattern.fullmatch(call_id):
            return f"does not match {self.pattern.pattern!r}"
        return None


@dataclass(frozen=True)
class Options:
    """The parts of a repair policy that change how a history is read."""

    drop_repeats: bool = False
    drop_nameless_calls: bool = False
    merge_split_calls: bool = True
    attach_orphans: bool = True


@dataclass
class Link:
    """One call and what answers it."""

    call: CallRef
    result: int | None = None
    placement: Placement | None = None
    between: tuple[int, ...] = ()
    """For ``interrupted``: the entries that stand between; for ``misplaced``: the other
    calls that do."""
    id_reason: IdReason | None = None
    id_problem: str = ""


@dataclass
class Analysis:
    fmt: Format
    entries: list[Entry]
    kinds: dict[int, EntryKind]
    """The kind of each live entry (not live: repeats, messages emptied by dropped calls)."""
    order: list[int]
    """Live positions, in order."""
    repeats: dict[int, int] = field(default_factory=dict)
    """Dropped repeat -> the entry it repeats."""
    dropped_calls: dict[int, tuple[CallRef, ...]] = field(default_factory=dict)
    emptied: set[int] = field(default_factory=set)
    """Messages with nothing left once their nameless calls are dropped."""
    groups: dict[int, list[int]] = field(default_factory=dict)
    """Chat call messages merged into the first one: head -> members, head first."""
    links: list[Link] = field(default_factory=list)
    links_at: dict[int, list[Link]] = field(default_factory=dict)
    by_result: dict[int, Link] = field(default_factory=dict)
    unmatched: dict[int, Literal["orphan", "duplicate"]] = field(default_factory=dict)
    problems: list[ToolSequenceProblem] = field(default_factory=list)

    def group_of(self, pos: int) -> list[int]:
        return self.groups.get(pos, [pos])

    def head_links(self, head: int) -> list[Link]:
        return [link for pos in self.group_of(head) for link in self.links_at.get(pos, ())]


def at(positions: Sequence[int]) -> str:
    return ", ".join(f"history[{p}]" for p in positions)


def id_rules(profile: str | Profile | ToolIdRules | None) -> IdRules:
    """The id rules of a profile, a profile's name, or any object holding them."""
    return IdRules.of(get_profile(profile) if isinstance(profile, str) else profile)


def analyze(
    history: Sequence[object], profile: str | Profile | ToolIdRules | None, options: Options
) -> Analysis:
    if not isinstance(history, Sequence) or isinstance(history, (str, bytes)):
        raise ArgumentTypeError(
            f"history is a list of messages or items, not {type(history).__name__}",
            argument="history",
        )
    wires = [to_wire(entry, pos) for pos, entry in enumerate(history)]
    fmt = detect_format(wires)
    entries = classify(wires, fmt)
    rules = id_rules(profile)
    found = Analysis(fmt, entries, {}, [])
    _find_repeats(found, options)
    _find_nameless(found, options)
    _list_live(found)
    if fmt == "chat":
        _find_splits(found, options)
    _match(found, options)
    _place(found)
    _check_ids(found, rules)
    found.problems.sort(key=lambda p: (min(p.positions, default=-1), _KIND_ORDER[p.kind]))
    return found


_KIND_ORDER = {kind: n for n, kind in enumerate(ProblemKind)}


def _problem(
    found: Analysis, kind: ProblemKind, positions: Sequence[int], ids: Sequence[str], msg: str
) -> None:
    found.problems.append(ToolSequenceProblem(kind, tuple(sorted(set(positions))), tuple(ids), msg))


def _find_repeats(found: Analysis, options: Options) -> None:
    """Every assistant message (or call item) identical to the one before it is reported. A
    repeat that carries calls is read as a duplicate and dropped by the repair (its calls
    would be answered twice, or not at all); one without calls breaks no backend's rule
    (Codex re-sends its finished message when it retries a turn), so it is kept unless
    ``options.drop_repeats``."""
    entries = found.entries
    for pos in range(1, len(entries)):
        entry, before = entries[pos], entries[pos - 1]
        if entry.repeatable and same_message(before.wire, entry.wire, found.fmt):
            original = found.repeats.get(pos - 1, pos - 1)
            if entry.calls or options.drop_repeats:
                found.repeats[pos] = original
            ids = [call.id for call in entry.calls]
            _problem(
                found,
                ProblemKind.REPEATED_MESSAGE,
                [pos],
                ids,
                f"history[{pos}] repeats history[{original}]",
            )


def _find_nameless(found: Analysis, options: Options) -> None:
    for entry in found.entries:
        if entry.pos in found.repeats:
            continue
        nameless = tuple(call for call in entry.calls if call.name == "")
        for call in nameless:
            _problem(
                found,
                ProblemKind.EMPTY_NAME,
                [entry.pos],
                [call.id],
                f"call {quoted(call.id)} at history[{entry.pos}] has no tool name",
            )
        if nameless and options.drop_nameless_calls:
            found.dropped_calls[entry.pos] = nameless
            if len(nameless) == len(entry.calls) and not _has_content(entry):
                found.emptied.add(entry.pos)


def _list_live(found: Analysis) -> None:
    for entry in found.entries:
        if entry.pos in found.repeats or entry.pos in found.emptied:
            continue
        kind = entry.kind
        if kind == "call" and len(found.dropped_calls.get(entry.pos, ())) == len(entry.calls):
            kind = "boundary"  # a Chat message that keeps its text
        found.kinds[entry.pos] = kind
        found.order.append(entry.pos)


def _has_content(entry: Entry) -> bool:
    if "role" not in entry.wire or "type" in entry.wire:
        return False  # a Responses call item is nothing without its call
    return entry.wire.get("content") not in (None, "", []) or bool(entry.wire.get("refusal"))


_MERGE_IGNORED = frozenset({"role", "content", "tool_calls", "refusal"})


def _mergeable(head: dict[str, Any], later: dict[str, Any]) -> bool:
    """A later message joins the head when it adds calls and nothing else: no text, and no
    field the head lacks or holds differently (DeepSeek's ``reasoning_content``, say)."""
    if later.get("content") not in (None, "", []) or later.get("refusal"):
        return False
    return all(k in head and head[k] == v for k, v in later.items() if k not in _MERGE_IGNORED)


def _find_splits(found: Analysis, options: Options) -> None:
    if not options.merge_split_calls:
        return
    head: int | None = None
    for pos in found.order:
        if found.kinds[pos] != "call":
            head = None
            continue
        if head is not None and _mergeable(found.entries[head].wire, found.entries[pos].wire):
            found.groups.setdefault(head, [head]).append(pos)
        else:
            head = pos
    for members in found.groups.values():
        later = [call.id for pos in members[1:] for call in _live_calls(found, pos)]
        _problem(
            found,
            ProblemKind.SPLIT_PARALLEL_CALLS,
            members,
            later,
            f"{at(members)} split one turn's parallel calls across {len(members)} messages",
        )


def _live_calls(found: Analysis, pos: int) -> list[CallRef]:
    dropped = found.dropped_calls.get(pos, ())
    return [call for call in found.entries[pos].calls if call not in dropped]


def _match(found: Analysis, options: Options) -> None:
    """Pair each result with the nearest earlier call of its id still unanswered; then, if
    allowed, a result standing before its call with that call."""
    calls: dict[str, list[Link]] = {}
    for pos in found.order:
        if found.kinds[pos] == "call":
            for call in _live_calls(found, pos):
                link = Link(call)
                found.links.append(link)
                found.links_at.setdefault(pos, []).append(link)
                calls.setdefault(call.id, []).append(link)
    leftovers: list[int] = []
    for pos in found.order:
        if found.kinds[pos] != "result":
            continue
        result_id = found.entries[pos].result_id
        open_before = [
            link for link in calls.get(result_id, ()) if link.result is None and link.call.pos < pos
        ]
        if open_before:
            # Nearest call message; within one message, the first call.
            best = max(open_before, key=lambda link: (link.call.pos, -link.call.index))
            best.result = pos
            found.by_result[pos] = best
        else:
            leftovers.append(pos)
    for pos in leftovers:
        result_id = found.entries[pos].result_id
        candidates = calls.get(result_id, [])
        later = [link for link in candidates if link.result is None]
        if later and options.attach_orphans:
            later[0].result = pos
            later[0].placement = "early"
            found.by_result[pos] = later[0]
        elif any(link.call.pos < pos for link in candidates):
            found.unmatched[pos] = "duplicate"
        else:
            found.unmatched[pos] = "orphan"
        _report_unmatched(found, pos, result_id, candidates, later)


def _report_unmatched(
    found: Analysis, pos: int, result_id: str, candidates: list[Link], later: list[Link]
) -> None:
    if found.unmatched.get(pos) == "duplicate":
        answered = [link for link in candidates if link.call.pos < pos]
        first = answered[-1]
        _problem(
            found,
            ProblemKind.DUPLICATE_RESULT,
            [pos],
            [result_id],
            f"result at history[{pos}] answers {quoted(result_id)}, whose call at "
            f"history[{first.call.pos}] already has a result",
        )
        return
    where = f"; its call stands later, at history[{later[0].call.pos}]" if later else ""
    _problem(
        found,
        ProblemKind.ORPHAN_RESULT,
        [pos],
        [result_id],
        f"result at history[{pos}] answers {quoted(result_id)}, which no earlier call has{where}",
    )


def _place(found: Analysis) -> None:
    """Say where each matched result stands relative to its call."""
    index = {pos: i for i, pos in enumerate(found.order)}
    # What may not stand between a call and its result: in Chat anything but tool messages,
    # in Responses a new turn. Counted ahead so results in place cost nothing to check.
    blocking = ("call", "boundary") if found.fmt == "chat" else ("boundary",)
    blocked = [0]
    for pos in found.order:
        blocked.append(blocked[-1] + (found.kinds[pos] in blocking))
    member_of = {m: head for head, members in found.groups.items() for m in members}
    interrupted: dict[tuple[int, ...], list[str]] = {}
    for link in found.links:
        if link.result is None:
            _problem(
                found,
                ProblemKind.MISSING_RESULT,
                [link.call.pos],
                [link.call.id],
                f"call {quoted(link.call.id)} at history[{link.call.pos}] has no result",
            )
            continue
        if link.placement == "early":
            continue
        head = member_of.get(link.call.pos, link.call.pos)
        last = found.group_of(head)[-1]
        start, stop = index[last] + 1, index[link.result]
        if blocked[stop] == blocked[start]:
            link.placement = "in_place"
            continue
        between = [found.order[i] for i in range(start, stop)]
        if found.fmt == "chat":
            _place_chat(found, link, between, head)
        else:
            _place_responses(found, link, between)
        if link.placement == "interrupted":
            interrupted.setdefault(link.between, []).append(link.call.id)
        else:
            _problem(
                found,
                ProblemKind.MISPLACED_RESULT,
                [link.result],
                [link.call.id],
                f"result at history[{link.result}] answers call {quoted(link.call.id)} at "
                f"history[{link.call.pos}], but other calls stand between ({at(link.between)})",
            )
    for stand, ids in interrupted.items():
        verb = "stands" if len(stand) == 1 else "stand"
        _problem(
            found,
            ProblemKind.INTERRUPTED,
            stand,
            ids,
            f"{at(stand)} {verb} between calls {', '.join(map(repr, ids))} and their results",
        )


def _place_chat(found: Analysis, link: Link, between: list[int], head: int) -> None:
    others = [p for p in between if found.kinds[p] == "call" and p not in found.group_of(head)]
    if others:
        link.placement, link.between = "misplaced", tuple(others)
    else:
        interrupters = [p for p in between if found.kinds[p] == "boundary"]
        link.placement, link.between = "interrupted", tuple(interrupters)


def _place_responses(found: Analysis, link: Link, between: list[int]) -> None:
    turns = [p for p in between if found.kinds[p] == "boundary"]
    others = [p for p in between if p > turns[0] and found.kinds[p] == "call"]
    if others:
        link.placement, link.between = "misplaced", tuple(others)
    else:
        link.placement, link.between = "interrupted", tuple(turns)


def _check_ids(found: Analysis, rules: IdRules) -> None:
    by_id: dict[str, list[Link]] = {}
    for link in found.links:
        by_id.setdefault(link.call.id, []).append(link)
    for call_id, links in by_id.items():
        for n, link in enumerate(links):
            if call_id == "":
                link.id_reason = "missing"
                _problem(
                    found,
                    ProblemKind.MISSING_ID,
                    [link.call.pos],
                    [""],
                    f"call at history[{link.call.pos}] has no id",
                )
            elif n > 0:
                link.id_reason = "duplicate"
            elif (why := rules.rejects(call_id)) is not None:
                link.id_reason, link.id_problem = "invalid", why
        if call_id and len(links) > 1:
            _problem(
                found,
                ProblemKind.DUPLICATE_CALL_ID,
                [link.call.pos for link in links],
                [call_id],
                f"calls at {at(sorted({lk.call.pos for lk in links}))} "
                f"share the id {quoted(call_id)}",
            )
        first = links[0]
        if first.id_reason == "invalid":
            answered = [link.call.pos for link in links] + [
                link.result for link in links if link.result is not None
            ]
            _problem(
                found,
                ProblemKind.INVALID_ID,
                answered,
                [call_id],
                f"the profile rejects the id {quoted(call_id)} ({first.id_problem})",
            )
    for pos in found.order:
        entry = found.entries[pos]
        if found.kinds[pos] == "result" and entry.result_id == "":
            _problem(
                found, ProblemKind.MISSING_ID, [pos], [""], f"result at history[{pos}] has no id"
            )


@boundary("validate_tool_sequence")
def validate_tool_sequence(
    history: Sequence[object],
    *,
    profile: str | Profile | ToolIdRules | None = None,
    strict: bool = False,
) -> ToolSequenceReport:
    """Check a history against the strict tool-sequence rule, and say what breaks it.

    ``history`` is a list of Chat Completions messages or of Responses input items, as dicts
    or pydantic models. The rule (OpenRouter, DeepSeek, Anthropic behind compatible APIs, and
    OpenAI's own "No tool call found for function call output"): every call is answered by
    exactly one result; in Chat the results follow their assistant message immediately, with
    nothing between; in Responses each output comes after its call and before the next
    assistant or user message; no result without an earlier call; call ids are unique and
    non-empty, and fit the profile's id rules. Repeated assistant messages and empty tool
    names are reported too.

    ``profile`` is a profile (or its name), or any object with its id rules. Returns a
    :class:`ToolSequenceReport`: the problems, a list in input order (empty when the history
    is valid), and the same as ``.notes``. Raises :class:`ToolSequenceError` when an entry is
    not an object or the formats are mixed; with ``strict=True``, also when there is a
    problem (its ``problems`` lists them).
    """
    found = analyze(history, profile, Options())
    report = ToolSequenceReport(found.problems, found.fmt)
    if strict and report:
        error = ToolSequenceError(
            f"the history breaks the tool-sequence rule: {report[0]}"
            + (f" (and {len(report) - 1} more)" if len(report) > 1 else ""),
            position=report[0].positions[0] if report[0].positions else None,
            problems=report.problems,
        )
        raise error
    return report
