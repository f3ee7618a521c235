"""What a Responses stream has said about one output item, and the item it adds up to.

An :class:`ItemState` collects, as they come, the item announced by ``output_item.added``,
the finished item of ``output_item.done``, and every delta for it (content parts, summary
parts, arguments, input, code, shell commands and their output, progress). Nothing is joined
or copied until :func:`item_body` is called, once per item when the result is built.

The finished item is the base when there is one; each streamed text is then compared with the
text it holds, and the more complete one is kept (see :func:`~._text.pick_text`), so a
``.done`` event that lost text does not lose the deltas, and deltas that were lost do not
empty a finished item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._model import union_members
from ..responses import Item
from ._text import TextBuffer, pick_text

if TYPE_CHECKING:
    from .._wire._notelog import NoteLog
    from ..responses import Annotation, ContentPart, ResponseLogProb, ShellOutputChunk

__all__ = ["ItemState", "PartState", "ShellOutputState", "has_status", "item_body"]

_ITEM_MODELS = union_members(Item)[0]


def has_status(kind: str | None) -> bool:
    """Whether items of this type carry a ``status``."""
    model = _ITEM_MODELS.get(kind or "")
    return model is not None and "status" in model.model_fields


class PartState:
    """One content or summary part: the part as announced and as finished, and its text."""

    __slots__ = ("added", "annotations", "done", "kind", "logprobs", "text")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.added: ContentPart | None = None
        self.done: ContentPart | None = None
        self.text = TextBuffer()
        self.annotations: dict[int, Annotation | None] | None = None
        self.logprobs: list[ResponseLogProb] | None = None


class ShellOutputState:
    """What one command of a shell call printed."""

    __slots__ = ("done", "stderr", "stdout")

    def __init__(self) -> None:
        self.stdout = TextBuffer()
        self.stderr = TextBuffer()
        self.done: list[ShellOutputChunk] | None = None


class ItemState:
    """Everything received about one output item."""

    __slots__ = (
        "added",
        "args",
        "code",
        "commands",
        "done",
        "id",
        "image",
        "index",
        "input",
        "kind",
        "name",
        "order",
        "outputs",
        "parts",
        "status",
        "summary",
    )

    def __init__(self, order: int, index: int | None, item_id: str | None, kind: str | None):
        self.order = order
        self.index = index
        self.id = item_id
        self.kind = kind
        self.added: Item | None = None
        self.done: Item | None = None
        self.parts: dict[int, PartState] | None = None
        self.summary: dict[int, PartState] | None = None
        self.args: TextBuffer | None = None
        self.name: str | None = None
        self.input: TextBuffer | None = None
        self.code: TextBuffer | None = None
        self.commands: dict[int, TextBuffer] | None = None
        self.outputs: dict[int, ShellOutputState] | None = None
        self.status: str | None = None
        self.image: str | None = None

    def part(self, index: int | None, kind: str) -> PartState:
        parts = self.parts
        if parts is None:
            parts = self.parts = {}
        key = 0 if index is None else index
        part = parts.get(key)
        if part is None:
            part = parts[key] = PartState(kind)
        return part

    def summary_part(self, index: int | None) -> PartState:
        parts = self.summary
        if parts is None:
            parts = self.summary = {}
        key = 0 if index is None else index
        part = parts.get(key)
        if part is None:
            part = parts[key] = PartState("summary_text")
        return part

    def text(self, field: str) -> TextBuffer:
        """The buffer of ``args``, ``input`` or ``code``."""
        buffer: TextBuffer | None = getattr(self, field)
        if buffer is None:
            buffer = TextBuffer()
            setattr(self, field, buffer)
        return buffer

    def command(self, index: int) -> TextBuffer:
        commands = self.commands
        if commands is None:
            commands = self.commands = {}
        buffer = commands.get(index)
        if buffer is None:
            buffer = commands[index] = TextBuffer()
        return buffer

    def output(self, index: int) -> ShellOutputState:
        outputs = self.outputs
        if outputs is None:
            outputs = self.outputs = {}
        state = outputs.get(index)
        if state is None:
            state = outputs[index] = ShellOutputState()
        return state


class _Builder:
    """Builds one item's body; notes disagreements when given a log."""

    def __init__(self, state: ItemState, where: str, log: NoteLog | None) -> None:
        self.state = state
        self.where = where
        self.log = log
        if state.done is not None:
            self.origin = "output_item.done"
        elif state.added is not None:
            self.origin = "output_item.added"
        else:
            self.origin = "deltas only"

    def text(
        self,
        container: dict[str, Any] | list[Any],
        key: Any,
        buffer: TextBuffer,
        *more: tuple[str, str | None],
        path: str,
    ) -> None:
        """Put the most complete version of one text at ``container[key]`` (a field name, or
        an index the list already has)."""
        current = container[key] if isinstance(container, list) else container.get(key)
        held = current if isinstance(current, str) else None
        from_done = self.origin == "output_item.done"
        candidates: list[tuple[str, str | None]] = [] if from_done else [(self.origin, held)]
        candidates += [
            ("added event", buffer.start),
            ("deltas", buffer.joined()),
            ("done event", buffer.done),
            *more,
        ]
        if from_done:
            candidates.append(("output_item.done", held))
        value, disagree = pick_text(candidates, buffer.chunks)
        if value is None:
            return
        container[key] = value
        if disagree and self.log is not None:
            lengths = {source: len(text) for source, text in candidates if text is not None}
            self.log.add(
                f"{self.where}.{path}",
                "changed",
                "the streamed versions of this text differ; kept the longest",
                "text_disagrees",
                {"lengths": lengths, "kept": len(value)},
            )

    def slot(self, listed: list[Any], index: int, empty: Any, field: str, path: str) -> int:
        """Where an element a stream numbered ``index`` goes in ``listed``: at its index, or,
        past the end, next in line (noted), so that a number from the wire never costs more
        than the elements that came."""
        if index < 0:
            index = len(listed)
        if index > len(listed):
            if self.log is not None:
                self.log.add(
                    f"{self.where}.{path}",
                    "moved",
                    f"{field} {index} is past the {len(listed)} listed; placed next in line",
                    "index_gap",
                    {"index": index, "placed_at": len(listed)},
                )
            index = len(listed)
        if index == len(listed):
            listed.append(empty if not isinstance(empty, dict) else {})
        return index

    def parts(self, body: dict[str, Any], key: str, parts: dict[int, PartState]) -> None:
        existing = body.get(key)
        if isinstance(existing, str):
            # A message whose content came as a plain string: it becomes its first part.
            existing = [{"type": "output_text", "text": existing, "annotations": []}]
        listed: list[Any] = existing if isinstance(existing, list) else []
        body[key] = listed
        for index in sorted(parts):
            part = parts[index]
            if 0 <= index < len(listed) and isinstance(listed[index], dict):
                element: dict[str, Any] = listed[index]
            else:
                base = part.done or part.added
                element = base.to_dict() if base is not None else {"type": part.kind}
                listed.append(element)
                index = len(listed) - 1
            kind = element.get("type") or part.kind
            field = "refusal" if kind == "refusal" else "text"
            self.text(
                element,
                field,
                part.text,
                ("part added", _part_text(part.added, field)),
                ("part done", _part_text(part.done, field)),
                path=f"{key}[{index}].{field}",
            )
            if kind == "output_text":
                self.annotations(element, part)
                if part.logprobs and not element.get("logprobs"):
                    element["logprobs"] = [logprob.to_dict() for logprob in part.logprobs]

    @staticmethod
    def annotations(element: dict[str, Any], part: PartState) -> None:
        held = element.get("annotations")
        if not isinstance(held, list):
            held = element["annotations"] = []
        if part.annotations and len(part.annotations) > len(held):
            element["annotations"] = [
                annotation.to_dict()
                for _, annotation in sorted(part.annotations.items())
                if annotation is not None
            ]

    def commands(self, body: dict[str, Any], commands: dict[int, TextBuffer]) -> None:
        action = body.get("action")
        if not isinstance(action, dict):
            action = body["action"] = {}
        listed = action.get("commands")
        if not isinstance(listed, list):
            listed = action["commands"] = []
        for index in sorted(commands):
            at = self.slot(listed, index, None, "command_index", "action.commands")
            self.text(listed, at, commands[index], path=f"action.commands[{at}]")
        action["commands"] = [command for command in listed if command is not None]

    def outputs(self, body: dict[str, Any], outputs: dict[int, ShellOutputState]) -> None:
        listed = body.get("output")
        if not isinstance(listed, list):
            listed = body["output"] = []
        for index in sorted(outputs):
            state = outputs[index]
            at = self.slot(listed, index, {}, "command_index", "output")
            element = listed[at]
            if not isinstance(element, dict):
                element = listed[at] = {}
            done = state.done or []
            for stream in ("stdout", "stderr"):
                finished = "".join(getattr(chunk, stream) for chunk in done) if done else None
                self.text(
                    element,
                    stream,
                    getattr(state, stream),
                    ("output done", finished),
                    path=f"output[{at}].{stream}",
                )
                # Nothing printed on a stream is an empty stream.
                element.setdefault(stream, "")
            if done and "outcome" not in element:
                element["outcome"] = dict(done[-1].outcome)


def _part_text(part: ContentPart | None, field: str) -> str | None:
    value = getattr(part, field, None) if part is not None else None
    return value if isinstance(value, str) else None


def item_body(state: ItemState, where: str, log: NoteLog | None) -> dict[str, Any]:
    """The item ``state`` adds up to, as a JSON body (validated by the caller)."""
    builder = _Builder(state, where, log)
    if state.done is not None:
        body = state.done.to_dict()
    elif state.added is not None:
        body = state.added.to_dict()
    else:
        body = {"type": state.kind or "message"}
        if body["type"] == "message":
            body["role"] = "assistant"
        if log is not None:
            log.add(
                where,
                "added",
                f"no output_item.added or .done for this {body['type']}; built from its deltas",
                "item_synthesized",
            )
    if state.id is not None and not body.get("id"):
        # Learned from the events that point at the item.
        body["id"] = state.id
    if state.parts:
        builder.parts(body, "content", state.parts)
    if state.summary:
        builder.parts(body, "summary", state.summary)
    if state.args is not None:
        builder.text(body, "arguments", state.args, path="arguments")
    if state.name and not body.get("name"):
        body["name"] = state.name
    if state.input is not None:
        builder.text(body, "input", state.input, path="input")
    if state.code is not None:
        builder.text(body, "code", state.code, path="code")
    if state.commands:
        builder.commands(body, state.commands)
    if state.outputs:
        builder.outputs(body, state.outputs)
    if state.status is not None and state.done is None:
        body["status"] = state.status
    if state.image is not None and not body.get("result"):
        body["result"] = state.image
    return body
