"""The two wire formats, named the same way by every entry point."""

from __future__ import annotations

from typing import Literal

from ._errors import ArgumentTypeError, InvalidArgumentError, quoted

__all__ = ["Format"]

Format = Literal["chat", "responses"]
"""``"chat"`` is Chat Completions (``/v1/chat/completions``), ``"responses"`` the Responses API
(``/v1/responses``). The ``to=`` argument of every entry point takes one."""

FORMATS: tuple[Format, ...] = ("chat", "responses")


def check_format(value: object, argument: str = "to") -> Format:
    """``value`` if it names a format, else the error a caller can act on."""
    if value == "chat" or value == "responses":
        return value
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{argument} must be 'chat' or 'responses', not a {type(value).__name__}",
            argument=argument,
        )
    raise InvalidArgumentError(
        f"{argument} must be 'chat' or 'responses', not {quoted(value)}", argument=argument
    )
