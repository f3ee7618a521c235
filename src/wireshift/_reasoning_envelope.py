"""The wireshift reasoning envelope: reasoning text a chat backend sent, carried through a
Responses client in a reasoning item's ``encrypted_content``.

Codex asks for ``reasoning.encrypted_content`` and sends reasoning items back with it; a
chat backend such as DeepSeek needs its reasoning text back on the next turn. The envelope
is that text, versioned and marked as wireshift's own, so the request translation can put it
back in the backend's field and never forwards it as if it were OpenAI's.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import NamedTuple

__all__ = ["ENVELOPE_PREFIX", "ReasoningEnvelope", "is_envelope", "open_envelope", "seal"]

ENVELOPE_PREFIX = "wireshift.reasoning.v1:"
"""How every envelope starts; the version changes when the contents do."""


class ReasoningEnvelope(NamedTuple):
    """What an envelope holds: the reasoning text, and the chat field it came in."""

    text: str
    field: str | None = None


def seal(text: str, field: str | None = None) -> str:
    """The ``encrypted_content`` value carrying ``text`` (read from ``field``)."""
    body = json.dumps({"text": text, "field": field}, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: reasoning text from the wire may hold a lone surrogate.
    encoded = base64.urlsafe_b64encode(body.encode("utf-8", "surrogatepass")).decode("ascii")
    return ENVELOPE_PREFIX + encoded


def is_envelope(value: object) -> bool:
    """Whether ``value`` is an ``encrypted_content`` wireshift wrote (else it is the
    backend's own, OpenAI's, opaque to wireshift)."""
    return isinstance(value, str) and value.startswith(ENVELOPE_PREFIX)


def open_envelope(value: object) -> ReasoningEnvelope | None:
    """The contents of an envelope; ``None`` for anything else, or an envelope damaged on
    the way (a client that edited it): then it is treated as unreadable, never guessed."""
    if not isinstance(value, str) or not value.startswith(ENVELOPE_PREFIX):
        return None  # not is_envelope(value), spelled out: histories call this per item
    try:
        raw = base64.urlsafe_b64decode(value[len(ENVELOPE_PREFIX) :].encode("ascii"))
        data = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (ValueError, UnicodeError, binascii.Error):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    field = data.get("field")
    return ReasoningEnvelope(data["text"], field if isinstance(field, str) else None)
