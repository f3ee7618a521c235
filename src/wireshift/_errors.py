"""One error tree for everything wireshift raises on bad input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "FieldProblem",
    "InvalidJSONError",
    "PayloadError",
    "WireshiftError",
    "format_path",
]

PathPart = str | int


def format_path(path: Sequence[PathPart]) -> str:
    """Render ``("output", 0, "content")`` as ``output[0].content``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out) or "<root>"


# Pydantic puts union branches into error locations: "@message" (our tags, see _model),
# "list[...]", "str". They are not fields, so paths leave them out.
_BRANCH_NAMES = frozenset({"str", "int", "float", "bool", "none", "list", "dict"})


def _is_union_branch(part: PathPart) -> bool:
    return isinstance(part, str) and (part.startswith("@") or "[" in part or part in _BRANCH_NAMES)


class WireshiftError(Exception):
    """Base class of every error wireshift raises on purpose."""


@dataclass(frozen=True)
class FieldProblem:
    """One field that failed validation: where, what kind of failure, and why."""

    path: tuple[PathPart, ...]
    kind: str
    message: str

    @property
    def where(self) -> str:
        return format_path(self.path)


class PayloadError(WireshiftError, ValueError):
    """A payload did not have the shape its model needs.

    ``path`` names the first field at fault (``output[0].content[1].text``);
    ``problems`` lists every failing field; ``model`` names what was being parsed.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        problems: Sequence[FieldProblem] = (),
    ) -> None:
        super().__init__(message)
        self.model = model
        self.problems = tuple(problems)

    @property
    def path(self) -> str:
        return self.problems[0].where if self.problems else "<root>"

    @classmethod
    def from_validation(cls, error: ValidationError, model: str) -> PayloadError:
        problems = []
        for err in error.errors(include_url=False, include_input=False):
            loc = tuple(p for p in err["loc"] if not _is_union_branch(p))
            problems.append(FieldProblem(loc, err["type"], err["msg"]))
        kind = InvalidJSONError if problems and problems[0].kind == "json_invalid" else cls
        first = problems[0] if problems else None
        summary = f"{first.where}: {first.message}" if first else str(error)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return kind(f"invalid {model}: {summary}{more}", model=model, problems=problems)


class InvalidJSONError(PayloadError):
    """The bytes or text given were not JSON at all."""
