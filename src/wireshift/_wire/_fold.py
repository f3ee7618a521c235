"""Fold a payload whose shape drifted into its model, as far as its data allows.

Providers change shapes: a field goes missing, an object arrives where a string was, a count
turns into text. Dropping such a payload loses everything else it carried (the gateway
failure this package exists to prevent), so :func:`fold` repairs it one field at a time,
led by the validation errors, and reports every change:

* a missing required field is set to ``null``, then, if the model refuses that, to the empty
  value of the kind it asks for (``""``, ``[]``, ``{}``, ``0``, ``false``);
* a non-string where a string is required is kept as its JSON text (``arguments`` sent as an
  object become the JSON string the spec asks for);
* any other wrong value is removed (an optional field goes; a required one is then filled,
  a list element is taken out of its list).

A field that cannot be filled after a few tries takes its enclosing object with it; a payload
whose root cannot be repaired is given up (``None``), and the caller keeps it raw.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any, TypeVar

from .._errors import PayloadError, format_path

__all__ = ["describe", "fold"]

T = TypeVar("T")

_MAX_ROUNDS = 100
_MAX_TRIES = 4
_MISSING = object()

# The empty value of each kind a validation error can ask for.
_EMPTY: dict[str, Any] = {
    "string_type": "",
    "list_type": [],
    "dict_type": {},
    "model_type": {},
    "model_attributes_type": {},
    "int_type": 0,
    "int_parsing": 0,
    "int_from_float": 0,
    "float_type": 0,
    "float_parsing": 0,
    "bool_type": False,
    "bool_parsing": False,
}

Path = tuple[str | int, ...]


def fold(parse: Callable[[Any], T], raw: dict[str, Any]) -> tuple[T | None, list[dict[str, Any]]]:
    """Parse ``raw``, repairing the fields validation names until it parses.

    Returns the model (``None`` when even the root could not be repaired) and the changes
    made, each ``{"path", "change", "was"?, "now"?}`` with ``change`` one of ``added``,
    ``encoded``, ``removed`` or ``replaced``. ``raw`` itself is left untouched.
    """
    data: Any = copy.deepcopy(raw)
    tries: dict[Path, int] = {}
    changes: dict[Path, dict[str, Any]] = {}
    for _ in range(_MAX_ROUNDS):
        try:
            return parse(data), list(changes.values())
        except PayloadError as exc:
            problems = exc.problems
        # Validation reports list elements in order: repairing from the last one back keeps
        # the paths of the others valid when an element is taken out of its list.
        for problem in reversed(problems):
            if not _repair(data, problem.path, problem.kind, tries, changes):
                return None, list(changes.values())
    return None, list(changes.values())  # pragma: no cover - each round fixes or gives up


def _repair(
    data: Any,
    path: Path,
    kind: str,
    tries: dict[Path, int],
    changes: dict[Path, dict[str, Any]],
) -> bool:
    """Change one field (or, when it cannot be fixed, the object holding it); ``False`` when
    the fault reaches the root."""
    while path:
        parent = _walk(data, path[:-1])
        if tries.get(path, 0) >= _MAX_TRIES or parent is _MISSING:
            # Tried enough, or the error points inside a value that is not a container:
            # the object holding the field is at fault.
            path, kind = path[:-1], "unfixable"
            continue
        key = path[-1]
        value = _get(parent, key)
        if value is _MISSING or value is None or path in tries:
            tries[path] = tries.get(path, 0) + 1
            if value is _MISSING:
                fill = None
            elif kind in _EMPTY:
                fill = copy.copy(_EMPTY[kind])
            else:
                fill = ""
            parent[key] = fill
            _record(changes, path, value, fill, "added")
        elif kind == "string_type":
            fill = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            parent[key] = fill
            _record(changes, path, value, fill, "encoded")
        else:
            _record(changes, path, value, _MISSING, "removed")
            del parent[key]
        return True
    return False


def _walk(data: Any, path: Path) -> Any:
    for part in path:
        data = _get(data, part)
    return data if isinstance(data, (dict, list)) else _MISSING


def _get(container: Any, key: str | int) -> Any:
    if isinstance(container, dict):
        return container.get(key, _MISSING)
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return container[key]
    return _MISSING


def _record(
    changes: dict[Path, dict[str, Any]], path: Path, was: Any, now: Any, change: str
) -> None:
    entry = changes.get(path)
    if entry is None:
        entry = changes[path] = {"path": format_path(path), "change": change}
        if was is not _MISSING:
            entry["was"] = copy.deepcopy(was)
    elif entry["change"] == "removed":
        # Removed, then filled because it was required: the value was replaced.
        entry["change"] = "replaced"
    if now is _MISSING:
        entry.pop("now", None)
    else:
        entry["now"] = copy.copy(now)


def describe(changes: list[dict[str, Any]]) -> str:
    """The changes :func:`fold` made, as the text of a note (``path change; ...``)."""
    return "; ".join(f"{c['path']} {c['change']}" for c in changes)


def read_body(parse: Callable[[Any], T], body: Any, note: Callable[..., None]) -> T:
    """A whole body (a ``ChatCompletion``, a ``Response``) read the tolerant way streams are:
    what its model reads as it is stays; a body whose shape drifted is folded, and the repair
    noted as ``note(path, action, reason, code, detail)``. Raises the model's
    :class:`~wireshift.PayloadError` only when the body is not a JSON object at all."""
    try:
        return parse(body)
    except PayloadError as exc:
        if isinstance(body, (bytes, bytearray)):
            body = bytes(body).decode("utf-8", "replace")
        raw = body if isinstance(body, dict) else _loaded(body)
        if raw is None:
            raise
        folded, changes = fold(parse, raw)
        if folded is None:  # pragma: no cover - the root of a body model is always repairable
            raise exc from None
        note(
            "body",
            "repaired",
            "the body's shape drifted; folded in what it carries: " + describe(changes),
            "body_drift",
            {"changes": changes},
        )
        return folded


def _loaded(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, str):
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
