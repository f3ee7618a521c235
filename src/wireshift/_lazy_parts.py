"""Packages whose heavier modules load on first use of one of their names.

Defining a pydantic model costs about a millisecond, so a package that imported all of its
modules would make ``translate_request`` pay for the stream event models it never uses. A
package built with :func:`later` imports its light modules itself and the ``parts`` named
here only when one of their names is asked for (or ``__all__``, by ``import *``, or the
package's ``dir()``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["later"]


def later(
    package: str, namespace: dict[str, Any], parts: dict[str, tuple[str, ...] | None]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``. ``__getattr__`` looks
    ``name`` up in ``parts`` (relative module names, in order, each with the names it gives,
    ``None`` for its ``__all__``), keeps what it found in ``namespace``, and answers
    ``__all__`` with the eager names (``namespace["_EAGER"]``) followed by every part's;
    ``__dir__`` lists the loaded names and every part's (loading the parts, as ``__all__``
    does)."""

    def given(part: str, module: Any) -> tuple[str, ...]:
        names = parts[part]
        return tuple(module.__all__) if names is None else names

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            names = list(namespace["_EAGER"])
            for part in parts:
                names += given(part, importlib.import_module(part, package))
            namespace["__all__"] = names
            return names
        if name.startswith("__"):
            raise AttributeError(name)
        for part in parts:
            module = importlib.import_module(part, package)
            if name in given(part, module):
                value = getattr(module, name)
                namespace[name] = value
                return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        every = namespace.get("__all__") or __getattr__("__all__")  # kept by the first ask
        return sorted({*namespace, *every})

    return __getattr__, __dir__
