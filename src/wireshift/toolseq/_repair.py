"""Repairing a history so it passes the strict tool-sequence rule, recording every fix."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from .._boundary import boundary
from .._errors import quoted
from .._model import WireModel
from .._profiles import Profile
from ._check import Analysis, IdRules, Link, Options, analyze, at, id_rules
from ._problems import (
    LOSSY_FIXES,
    FixKind,
    RepairPolicy,
    RepairResult,
    ToolIdRules,
    ToolSequenceError,
    ToolSequenceFix,
)
from ._wire import (
    not_executed_result,
    orphan_message,
    same_message,
    with_call_ids,
    with_result_id,
)

__all__ = ["repair_tool_sequence"]


@dataclass
class _Out:
    """One entry of the repaired history: where it came from (``None`` when new) and whether
    it differs from its source."""

    source: int | None
    wire: dict[str, Any]
    edited: bool = False


@boundary("repair_tool_sequence")
def repair_tool_sequence(
    history: Sequence[object],
    *,
    policy: RepairPolicy = RepairPolicy(),  # noqa: B008 - frozen, shared safely
    profile: str | Profile | ToolIdRules | None = None,
    parse_new: Callable[[dict[str, Any]], Any] | None = None,
    strict: bool = False,
) -> RepairResult:
    """Repair a history so it passes the strict tool-sequence rule, and say what was done.

    Interrupting messages move after the results (keeping their order); a call with no
    result gets one saying it was not executed (``policy.missing_result_text``); a result
    standing away from its call is moved to it; a result with no call becomes a user text
    message holding its output verbatim (or is dropped, if the policy says so), so no call is
    ever invented; split parallel calls are merged; exact repeats dropped; missing, duplicate
    and profile-rejected ids replaced by deterministic new ones in both the call and its result.

    The input is never mutated. Entries come back in the form they came in: an unchanged
    entry is the very object given; a changed dict is a new dict (only the changed parts are
    new); a changed pydantic model is re-parsed with its own class. New entries (synthesized
    results, converted outputs) are dicts, or ``parse_new(dict)`` when given and the history
    holds models (pass ``wireshift.responses.parse_item`` for Responses models, say).

    A valid history comes back equal, with no fixes. The result's ``fixes`` say what was done,
    and ``notes`` the same as notes. With ``strict=True``, a repair that would lose a tool
    output or call (``policy.orphan_result="drop"``, ``drop_nameless_calls``) raises
    :class:`ToolSequenceError` instead.
    """
    options = Options(
        drop_repeats=policy.drop_repeats,
        drop_nameless_calls=policy.drop_nameless_calls,
        merge_split_calls=policy.merge_split_calls,
        attach_orphans=policy.attach_orphans,
    )
    found = analyze(history, profile, options)
    fixes: list[ToolSequenceFix] = []
    new_ids = _new_ids(found, id_rules(profile), fixes)
    builder = _Builder(found, policy, new_ids, fixes)
    out = builder.chat() if found.fmt == "chat" else builder.responses()
    if policy.drop_repeats:
        out = _drop_new_repeats(found, out, fixes)
    _record_structure(found, fixes)
    fixes.sort(key=lambda fix: (min(fix.positions, default=-1), _FIX_ORDER[fix.kind]))
    if strict:
        lossy = next((fix for fix in fixes if fix.kind in LOSSY_FIXES), None)
        if lossy is not None:
            note = lossy.to_note("messages" if found.fmt == "chat" else "input")
            raise ToolSequenceError(
                f"{note.path}: {lossy.action} (strict mode)",
                position=lossy.positions[0] if lossy.positions else None,
                note=note,
            )
    has_models = any(isinstance(entry, BaseModel) for entry in history)
    repaired = [_materialize(o, history, has_models, parse_new) for o in out]
    return RepairResult(repaired, fixes, found.fmt)


_FIX_ORDER = {kind: n for n, kind in enumerate(FixKind)}


# -- ids -------------------------------------------------------------------------------------

_HASH_LENGTHS = (24, *range(23, 0, -1), *range(25, 65))


def _fresh_id(seed: str, used: set[str], rules: IdRules) -> str:
    """A new id derived from ``seed`` (the same seed gives the same id), within the profile's
    rules and distinct from every id in ``used``."""
    for attempt in range(64):
        digest = hashlib.sha256(f"{seed}\x00{attempt}".encode()).hexdigest()
        for prefix in ("call_", ""):
            for length in _HASH_LENGTHS:
                candidate = prefix + digest[:length]
                if candidate not in used and rules.rejects(candidate) is None:
                    used.add(candidate)
                    return candidate
    raise ToolSequenceError(
        "the profile's tool id rules accept none of the ids wireshift can make "
        "(call_ plus hex digits, or hex digits alone)"
    )


def _new_ids(found: Analysis, rules: IdRules, fixes: list[ToolSequenceFix]) -> dict[int, str]:
    """Replacement ids by link index; records a fix for each."""
    used = {link.call.id for link in found.links}
    used.update(entry.result_id for entry in found.entries if entry.kind == "result")
    occurrences: dict[str, int] = {}
    new_ids: dict[int, str] = {}
    for n, link in enumerate(found.links):
        old = link.call.id
        occurrence = occurrences.get(old, 0)
        occurrences[old] = occurrence + 1
        if link.id_reason is None:
            continue
        new = _fresh_id(f"{old}#{occurrence}" if occurrence else old, used, rules)
        new_ids[n] = new
        why = {
            "missing": "had no id",
            "duplicate": "shared its id with an earlier call",
            "invalid": f"had an id the profile rejects ({link.id_problem})",
        }[link.id_reason]
        positions = [link.call.pos] + ([link.result] if link.result is not None else [])
        fixes.append(
            ToolSequenceFix(
                FixKind.REPLACED_ID,
                tuple(sorted(positions)),
                (old,),
                f"the call at history[{link.call.pos}] {why}: now {quoted(new)}"
                + (
                    f", in its result at history[{link.result}] too"
                    if link.result is not None
                    else ""
                ),
                new_id=new,
            )
        )
    return new_ids


# -- building --------------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        found: Analysis,
        policy: RepairPolicy,
        new_ids: dict[int, str],
        fixes: list[ToolSequenceFix],
    ) -> None:
        self.found = found
        self.policy = policy
        self.fixes = fixes
        self.link_ids = {id(link): new_ids.get(n) for n, link in enumerate(found.links)}
        self.out: list[_Out] = []

    # Chat: each call message is followed at once by all its results.
    def chat(self) -> list[_Out]:
        found = self.found
        merged_away = {m for members in found.groups.values() for m in members[1:]}
        for pos in found.order:
            kind = found.kinds[pos]
            if pos in merged_away:
                continue
            if kind == "call":
                self._emit_call_message(pos)
            elif kind == "result":
                if pos not in found.by_result:
                    self._emit_orphan(pos)
            elif pos in found.dropped_calls:
                # A message whose every call was dropped: it keeps its text.
                wire = {k: v for k, v in found.entries[pos].wire.items() if k != "tool_calls"}
                self.out.append(_Out(pos, wire, edited=True))
            else:
                self.out.append(_Out(pos, found.entries[pos].wire))
        return self.out

    def _emit_call_message(self, head: int) -> None:
        found = self.found
        members = found.group_of(head)
        links = found.head_links(head)
        wire = found.entries[head].wire
        edited = len(members) > 1 or any(p in found.dropped_calls for p in members)
        if edited:
            calls = [
                call
                for pos in members
                for call, ref in zip(
                    found.entries[pos].wire["tool_calls"], found.entries[pos].calls, strict=True
                )
                if ref not in found.dropped_calls.get(pos, ())
            ]
            wire = {**wire, "tool_calls": calls}
        replaced = {n: new for n, link in enumerate(links) if (new := self.link_ids[id(link)])}
        if replaced:
            wire = with_call_ids(wire, "chat", replaced)
            edited = True
        self.out.append(_Out(head, wire, edited))
        # Results already in the block after the message keep their order; the others follow.
        emitted: set[int] = set()
        in_place = sorted(
            (link for link in links if link.placement == "in_place"),
            key=lambda link: link.result or 0,
        )
        for link in in_place:
            self._emit_result(link)
            emitted.add(id(link))
        for link in links:
            if id(link) not in emitted:
                self._emit_result(link)

    # Responses: outputs may stand anywhere after their call until the next model turn.
    def responses(self) -> list[_Out]:
        found = self.found
        open_links: list[Link] = []
        waiting: list[_Out] = []  # converted outputs held back while calls are open
        by_call = {link.call.pos: link for link in found.links}

        def close_turn() -> None:
            for link in open_links:
                self._emit_result(link)
            open_links.clear()
            self.out.extend(waiting)
            waiting.clear()

        for pos in found.order:
            kind = found.kinds[pos]
            wire = found.entries[pos].wire
            if kind == "boundary":
                close_turn()
                self.out.append(_Out(pos, wire))
            elif kind == "call":
                link = by_call[pos]
                new = self.link_ids[id(link)]
                if new is None:
                    self.out.append(_Out(pos, wire))
                else:
                    self.out.append(_Out(pos, with_call_ids(wire, "responses", {0: new}), True))
                open_links.append(link)
            elif kind == "result":
                answered = found.by_result.get(pos)
                if answered is None:
                    before = len(self.out)
                    self._emit_orphan(pos)
                    if open_links:
                        waiting.extend(self.out[before:])
                        del self.out[before:]
                elif answered.placement == "in_place":
                    self._emit_result(answered)
                    open_links.remove(answered)
                    if not open_links:
                        self.out.extend(waiting)
                        waiting.clear()
            else:
                self.out.append(_Out(pos, wire))
        close_turn()
        return self.out

    def _emit_result(self, link: Link) -> None:
        found, fmt = self.found, self.found.fmt
        new = self.link_ids[id(link)]
        if link.result is None:
            call = link.call
            if new is not None:
                call = replace(call, id=new)
            wire = not_executed_result(call, fmt, self.policy.missing_result_text)
            self.out.append(_Out(None, wire))
            self.fixes.append(
                ToolSequenceFix(
                    FixKind.SYNTHESIZED_RESULT,
                    (link.call.pos,),
                    (link.call.id,),
                    f"the call {quoted(link.call.id)} at history[{link.call.pos}] had no result: "
                    "added one saying it was not executed",
                )
            )
            return
        entry = found.entries[link.result]
        if new is None:
            self.out.append(_Out(link.result, entry.wire))
        else:
            self.out.append(
                _Out(link.result, with_result_id(entry.wire, fmt, entry.result_id, new), True)
            )
        if link.placement in ("early", "misplaced"):
            self.fixes.append(
                ToolSequenceFix(
                    FixKind.ATTACHED_RESULT,
                    (link.result,),
                    (link.call.id,),
                    f"moved the result at history[{link.result}] "
                    f"after its call, history[{link.call.pos}]",
                )
            )

    def _emit_orphan(self, pos: int) -> None:
        found = self.found
        entry = found.entries[pos]
        why = (
            "answers a call that already has a result"
            if found.unmatched[pos] == "duplicate"
            else "answers no call in the history"
        )
        if self.policy.orphan_result == "drop":
            self.fixes.append(
                ToolSequenceFix(
                    FixKind.DROPPED_RESULT,
                    (pos,),
                    (entry.result_id,),
                    f"dropped the result at history[{pos}], which {why}",
                )
            )
            return
        self.out.append(_Out(None, orphan_message(entry, found.fmt, self.policy.orphan_header)))
        self.fixes.append(
            ToolSequenceFix(
                FixKind.CONVERTED_RESULT,
                (pos,),
                (entry.result_id,),
                f"the result at history[{pos}] {why}: made it a user message holding its output",
            )
        )


def _drop_new_repeats(found: Analysis, out: list[_Out], fixes: list[ToolSequenceFix]) -> list[_Out]:
    """Moving results can leave two identical assistant messages side by side."""
    kept: list[_Out] = []
    for item in out:
        if (
            kept
            and item.source is not None
            and found.entries[item.source].repeatable
            and found.kinds[item.source] != "call"
            and kept[-1].source is not None
            and same_message(kept[-1].wire, item.wire, found.fmt)
        ):
            fixes.append(
                ToolSequenceFix(
                    FixKind.DROPPED_REPEAT,
                    (item.source,),
                    (),
                    f"dropped history[{item.source}], a repeat of history[{kept[-1].source}] "
                    "once the results before it had moved",
                )
            )
            continue
        kept.append(item)
    return kept


def _record_structure(found: Analysis, fixes: list[ToolSequenceFix]) -> None:
    """Fixes that follow from the reading itself: repeats, dropped calls, merges, moves."""
    for pos, original in found.repeats.items():
        ids = tuple(call.id for call in found.entries[pos].calls)
        fixes.append(
            ToolSequenceFix(
                FixKind.DROPPED_REPEAT,
                (pos,),
                ids,
                f"dropped history[{pos}], a repeat of history[{original}]",
            )
        )
    for pos, calls in found.dropped_calls.items():
        gone = " and the message, left empty" if pos in found.emptied else ""
        fixes.append(
            ToolSequenceFix(
                FixKind.DROPPED_CALL,
                (pos,),
                tuple(call.id for call in calls),
                f"dropped {len(calls)} call(s) with no tool name from history[{pos}]{gone}",
            )
        )
    for head, members in found.groups.items():
        ids = tuple(link.call.id for link in found.head_links(head) if link.call.pos != head)
        fixes.append(
            ToolSequenceFix(
                FixKind.MERGED_CALLS,
                tuple(members),
                ids,
                f"merged the calls of {at(members[1:])} into history[{head}]",
            )
        )
    moved: dict[tuple[int, ...], list[str]] = {}
    for link in found.links:
        if link.placement == "interrupted":
            moved.setdefault(link.between, []).append(link.call.id)
    for stand, call_ids in moved.items():
        fixes.append(
            ToolSequenceFix(
                FixKind.MOVED_INTERRUPTERS,
                stand,
                tuple(call_ids),
                f"moved {at(stand)} after the results of {', '.join(map(repr, call_ids))}",
            )
        )


# -- output form -----------------------------------------------------------------------------


def _materialize(
    item: _Out,
    history: Sequence[object],
    has_models: bool,
    parse_new: Callable[[dict[str, Any]], Any] | None,
) -> Any:
    if item.source is None:
        return parse_new(item.wire) if has_models and parse_new is not None else item.wire
    original = history[item.source]
    if not item.edited:
        return original
    if isinstance(original, WireModel):
        return type(original).parse(item.wire)
    if isinstance(original, BaseModel):
        return type(original).model_validate(item.wire)
    return item.wire
