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
from dataclasses import dataclass
from typing import Any

__all__ = ["CHAT_NAME_MAX", "ToolNameMap", "ToolOrigin"]

CHAT_NAME_MAX = 64
# Patterns are strings, compiled (and cached by `re`) on first use: a fresh worker whose
# names all fit the Chat alphabet never compiles this one.
_NOT_ALLOWED = r"[^a-zA-Z0-9_-]"
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


_Key = tuple[str, str, str | None]
"""A tool's ``(name, tool_type, namespace)``: what the map keeps instead of a
:class:`ToolOrigin`, which it makes only when asked (a request registers every tool; a
reply asks for the few it calls)."""


class ToolNameMap:
    """Chat function name <-> :class:`ToolOrigin`, unique in both directions."""

    def __init__(self) -> None:
        self._by_chat: dict[str, _Key] = {}
        self._by_key: dict[_Key, str] = {}
        self._aliases: dict[str, _Key] | None = None

    def add(self, origin: ToolOrigin) -> str:
        """Register ``origin`` and return its chat name (the same name on a second call)."""
        return self.add_tool(origin.name, origin.tool_type, origin.namespace)

    def add_tool(self, name: str, tool_type: str = "function", namespace: str | None = None) -> str:
        """:meth:`add` of ``ToolOrigin(name, tool_type, namespace)``."""
        key = (name, tool_type, namespace)
        known = self._by_key.get(key)
        if known is not None:
            return known
        chat = _chat_name(key, self._by_chat)
        self._by_chat[chat] = key
        self._by_key[key] = chat
        self._aliases = None
        return chat

    def chat_name(self, name: str, namespace: str | None = None) -> str:
        """The chat name of a registered tool, else ``name`` as it is."""
        for (known, _, space), chat in self._by_key.items():
            if known == name and space == namespace:
                return chat
        return name

    def restore(self, chat_name: str) -> ToolOrigin | None:
        """The origin of a chat function name, or ``None`` for a name this map never gave."""
        key = self._by_chat.get(chat_name)
        return None if key is None else ToolOrigin(*key)

    def resolve(self, name: str) -> ToolOrigin | None:
        """The origin of a function name a backend sent back, in whichever shape it chose:
        the name this map gave, or for a namespaced tool ``ns.name``, ``ns__name``,
        ``ns/name``, llama.cpp's ``ns_{ns}___{name}``, or the bare ``name`` when exactly one
        tool of the map has it and no plain function does. ``None`` for anything else."""
        key = self._by_chat.get(name)
        if key is None:
            aliases = self._aliases
            if aliases is None:
                aliases = self._aliases = _aliases(self._by_chat)
            key = aliases.get(name)
        return None if key is None else ToolOrigin(*key)

    def __len__(self) -> int:
        return len(self._by_chat)

    def __iter__(self) -> Iterator[tuple[str, ToolOrigin]]:
        return ((chat, ToolOrigin(*key)) for chat, key in self._by_chat.items())

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain JSON data: ``{chat_name: {"name", "tool_type", "namespace"}}``."""
        return {
            chat: {"name": name, "tool_type": tool_type, "namespace": namespace}
            for chat, (name, tool_type, namespace) in self._by_chat.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> ToolNameMap:
        restored = cls()
        for chat, fields in data.items():
            key = (
                str(fields["name"]),
                str(fields.get("tool_type", "function")),
                fields.get("namespace"),
            )
            restored._by_chat[chat] = key
            restored._by_key[key] = chat
        return restored

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ToolNameMap) and self._by_chat == other._by_chat

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ToolNameMap({self.to_dict()!r})"


_AMBIGUOUS: _Key = ("", "", None)


def _aliases(by_chat: Mapping[str, _Key]) -> dict[str, _Key]:
    """Every other shape a backend may give the names of ``by_chat`` back in (see
    :meth:`ToolNameMap.resolve`); a shape two tools share stands for neither."""
    found: dict[str, _Key] = {}
    for key in by_chat.values():
        name, _, namespace = key
        shapes = [name]
        if namespace is not None:
            shapes += [
                f"{namespace}.{name}",
                f"{namespace}{_NAMESPACE_JOIN}{name}",
                f"{namespace}/{name}",
                f"ns_{namespace}___{name}",
            ]
        for shape in shapes:
            if shape in by_chat:
                continue
            known = found.get(shape)
            found[shape] = key if known is None or known == key else _AMBIGUOUS
    return {shape: key for shape, key in found.items() if key is not _AMBIGUOUS}


def _chat_name(key: _Key, taken: Mapping[str, _Key]) -> str:
    name, tool_type, namespace = key
    base = name if namespace is None else f"{namespace}{_NAMESPACE_JOIN}{name}"
    if not (base.isascii() and base.replace("_", "a").replace("-", "a").isalnum()):
        # (an ASCII string is alphanumeric in ASCII letters and digits only)
        base = re.sub(_NOT_ALLOWED, "_", base) or "tool"
    if len(base) <= CHAT_NAME_MAX and base not in taken:
        return base
    # Too long, or taken by another tool: keep a readable prefix and make it unique with a
    # digest of the full origin, so the same tools map to the same names on every request.
    full = f"{tool_type}:{namespace}:{name}"
    for salt in range(1000):
        # surrogatepass: a name may hold a lone surrogate from the wire, and still needs a digest
        import hashlib  # loaded here: only names too long for a backend need it

        digest = hashlib.sha256(f"{full}#{salt}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
        candidate = f"{base[: CHAT_NAME_MAX - 9]}_{digest}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("unreachable: 1000 digest collisions")  # pragma: no cover
