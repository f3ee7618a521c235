"""The reversible mapping between Responses tools and the flat function names Chat allows.

Chat Completions knows only flat function names (``^[a-zA-Z0-9_-]{1,64}$``). The request
translator flattens namespaced and custom tools into such names; the response and stream
translators use the same map to give calls back their namespace, or to turn them back into
``custom_tool_call`` items. One map per translated request; it serializes to plain JSON so a
gateway can keep it between the request and its response.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["CHAT_NAME_MAX", "ToolNameMap", "ToolOrigin"]

CHAT_NAME_MAX = 64
_NOT_ALLOWED = re.compile(r"[^a-zA-Z0-9_-]")
_NAMESPACE_JOIN = "__"


@dataclass(frozen=True)
class ToolOrigin:
    """What a chat function name stands for on the Responses side.

    ``tool_type`` is the Responses tool type (``function``, ``custom``, ``local_shell``,
    ``shell``, ``apply_patch``...); ``namespace`` is set for tools of a namespace tool.
    """

    name: str
    tool_type: str = "function"
    namespace: str | None = None

    @property
    def is_custom(self) -> bool:
        return self.tool_type == "custom"


class ToolNameMap:
    """Chat function name <-> :class:`ToolOrigin`, unique in both directions."""

    def __init__(self) -> None:
        self._by_chat: dict[str, ToolOrigin] = {}
        # Keyed by the origin's fields: a tuple hashes in C, a dataclass in Python.
        self._by_key: dict[tuple[str, str, str | None], str] = {}
        self._aliases: dict[str, ToolOrigin] | None = None

    def add(self, origin: ToolOrigin) -> str:
        """Register ``origin`` and return its chat name (the same name on a second call)."""
        known = self._by_key.get((origin.name, origin.tool_type, origin.namespace))
        return known if known is not None else self._new(origin)

    def add_tool(self, name: str, tool_type: str = "function", namespace: str | None = None) -> str:
        """:meth:`add` of ``ToolOrigin(name, tool_type, namespace)``, which is built only
        for a tool not registered yet."""
        known = self._by_key.get((name, tool_type, namespace))
        return known if known is not None else self._new(ToolOrigin(name, tool_type, namespace))

    def _new(self, origin: ToolOrigin) -> str:
        name = _chat_name(origin, self._by_chat)
        self._by_chat[name] = origin
        self._by_key[(origin.name, origin.tool_type, origin.namespace)] = name
        self._aliases = None
        return name

    def chat_name(self, name: str, namespace: str | None = None) -> str:
        """The chat name of a registered tool, else ``name`` as it is."""
        for (known, _, space), chat in self._by_key.items():
            if known == name and space == namespace:
                return chat
        return name

    def restore(self, chat_name: str) -> ToolOrigin | None:
        """The origin of a chat function name, or ``None`` for a name this map never gave."""
        return self._by_chat.get(chat_name)

    def resolve(self, name: str) -> ToolOrigin | None:
        """The origin of a function name a backend sent back, in whichever shape it chose:
        the name this map gave, or for a namespaced tool ``ns.name``, ``ns__name``,
        ``ns/name``, llama.cpp's ``ns_{ns}___{name}``, or the bare ``name`` when exactly one
        tool of the map has it and no plain function does. ``None`` for anything else."""
        found = self._by_chat.get(name)
        if found is not None:
            return found
        aliases = self._aliases
        if aliases is None:
            aliases = self._aliases = _aliases(self._by_chat)
        return aliases.get(name)

    def __len__(self) -> int:
        return len(self._by_chat)

    def __iter__(self) -> Iterator[tuple[str, ToolOrigin]]:
        return iter(self._by_chat.items())

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain JSON data: ``{chat_name: {"name", "tool_type", "namespace"}}``."""
        return {chat: asdict(origin) for chat, origin in self._by_chat.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> ToolNameMap:
        restored = cls()
        for chat, fields in data.items():
            origin = ToolOrigin(
                name=str(fields["name"]),
                tool_type=str(fields.get("tool_type", "function")),
                namespace=fields.get("namespace"),
            )
            restored._by_chat[chat] = origin
            restored._by_key[(origin.name, origin.tool_type, origin.namespace)] = chat
        return restored

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ToolNameMap) and self._by_chat == other._by_chat

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ToolNameMap({self.to_dict()!r})"


_AMBIGUOUS = ToolOrigin("")


def _aliases(by_chat: Mapping[str, ToolOrigin]) -> dict[str, ToolOrigin]:
    """Every other shape a backend may give the names of ``by_chat`` back in (see
    :meth:`ToolNameMap.resolve`); a shape two tools share stands for neither."""
    found: dict[str, ToolOrigin] = {}
    for origin in by_chat.values():
        shapes = [origin.name]
        namespace = origin.namespace
        if namespace is not None:
            shapes += [
                f"{namespace}.{origin.name}",
                f"{namespace}{_NAMESPACE_JOIN}{origin.name}",
                f"{namespace}/{origin.name}",
                f"ns_{namespace}___{origin.name}",
            ]
        for shape in shapes:
            if shape in by_chat:
                continue
            known = found.get(shape)
            found[shape] = origin if known is None or known == origin else _AMBIGUOUS
    return {shape: origin for shape, origin in found.items() if origin is not _AMBIGUOUS}


def _chat_name(origin: ToolOrigin, taken: Mapping[str, ToolOrigin]) -> str:
    base = (
        origin.name
        if origin.namespace is None
        else f"{origin.namespace}{_NAMESPACE_JOIN}{origin.name}"
    )
    name = _NOT_ALLOWED.sub("_", base) or "tool"
    if len(name) <= CHAT_NAME_MAX and name not in taken:
        return name
    # Too long, or taken by another tool: keep a readable prefix and make it unique with a
    # digest of the full origin, so the same tools map to the same names on every request.
    key = f"{origin.tool_type}:{origin.namespace}:{origin.name}"
    for salt in range(1000):
        # surrogatepass: a name may hold a lone surrogate from the wire, and still needs a digest
        import hashlib  # loaded here: only names too long for a backend need it

        digest = hashlib.sha256(f"{key}#{salt}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
        candidate = f"{name[: CHAT_NAME_MAX - 9]}_{digest}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("unreachable: 1000 digest collisions")  # pragma: no cover
