"""Compaction emulated for chat backends.

Codex compacts a long conversation by sending a ``compaction_trigger`` input item (or, in
the older form, the conversation to ``POST /responses/compact``) and expects exactly one
``compaction`` output item back, whose ``encrypted_content`` it later sends in place of the
history. A chat backend has no such thing, so wireshift asks it for a summary instead
(:func:`summary_request`) and seals the summary into that field (:func:`seal_summary`),
authenticated with a key only the gateway holds: a client cannot put words in the history
by editing the item, and one gateway's items are refused by another's.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ._errors import CompactionError, InvalidArgumentError

__all__ = [
    "COMPACTION_PREFIX",
    "SUMMARY_INSTRUCTIONS",
    "compaction_key",
    "open_summary",
    "seal_summary",
    "summary_message",
]

COMPACTION_PREFIX = "wireshift.compaction.v1:"
"""How every sealed summary starts; the version changes when the contents do."""

SUMMARY_INSTRUCTIONS = (
    "Summarize the conversation so far for your own later use: the user's goals and "
    "constraints, what was done and found (files, commands, results), decisions made, and "
    "what remains to do. Be complete and specific; do not call any tool."
)
"""The request the summarizing turn ends with."""

_SUMMARY_HEADER = "Summary of the conversation before this point:\n\n"


def compaction_key(key: object) -> bytes:
    """A gateway's compaction key as bytes (at least 16 of them)."""
    raw = key.encode() if isinstance(key, str) else key
    if not isinstance(raw, bytes) or len(raw) < 16:
        raise InvalidArgumentError(
            "compaction_key is a secret of at least 16 bytes (str or bytes)",
            argument="compaction_key",
        )
    return raw


def _mac(key: bytes, body: str) -> str:
    import hashlib  # loaded here: it costs milliseconds, and few gateways seal
    import hmac

    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def seal_summary(summary: str, key: bytes) -> str:
    """The ``encrypted_content`` of a compaction item carrying ``summary``."""
    payload = json.dumps({"summary": summary}, ensure_ascii=False, separators=(",", ":"))
    body = base64.urlsafe_b64encode(payload.encode("utf-8", "surrogatepass")).decode("ascii")
    return f"{COMPACTION_PREFIX}{body}.{_mac(key, body)}"


def open_summary(value: object, key: bytes, path: str) -> str:
    """The summary a compaction item's ``encrypted_content`` holds; :class:`CompactionError`
    (naming ``path``) for anything this gateway did not seal itself."""
    if not isinstance(value, str) or not value.startswith(COMPACTION_PREFIX):
        raise CompactionError(
            f"{path}: not a compaction this gateway made (OpenAI's own, or not one at all): "
            "a chat backend cannot read it",
            path=path,
        )
    body, _, mac = value[len(COMPACTION_PREFIX) :].rpartition(".")
    import hmac

    if not hmac.compare_digest(mac, _mac(key, body)):
        raise CompactionError(
            f"{path}: the compaction's seal does not match this gateway's key (edited, or "
            "made by another gateway)",
            path=path,
        )
    try:
        data: Any = json.loads(base64.urlsafe_b64decode(body).decode("utf-8", "surrogatepass"))
    except (ValueError, UnicodeError, binascii.Error):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("summary"), str):
        raise CompactionError(f"{path}: the compaction holds no summary", path=path)
    summary: str = data["summary"]
    return summary


def summary_message(summary: str) -> dict[str, Any]:
    """The input item a compaction stands for on the chat side."""
    return {"type": "message", "role": "user", "content": _SUMMARY_HEADER + summary}
