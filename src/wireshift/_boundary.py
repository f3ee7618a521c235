"""The one rule for what leaves a public entry point: a :class:`~wireshift.WireshiftError`.

Every failure wireshift knows has its own error class; anything else that escapes its code is
a bug, and reaches the caller as :class:`~wireshift.InternalError` (the original as
``__cause__``) rather than as a bare ``KeyError`` a gateway does not catch. Exceptions of
the caller's own code (a resolver, the iterable a stream is read from) pass unchanged.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

from ._errors import InternalError, WireshiftError, excerpt

__all__ = ["boundary", "callers_own", "foreign"]

P = ParamSpec("P")
R = TypeVar("R")

_CALLERS_OWN = "_wireshift_callers_own"


def callers_own(exc: BaseException) -> BaseException:
    """Mark an exception raised by the caller's code, so it passes the boundary unchanged."""
    with contextlib.suppress(AttributeError):  # an exception class with __slots__
        setattr(exc, _CALLERS_OWN, True)
    return exc


def foreign(exc: Exception, where: str) -> NoReturn:
    """Raise ``exc`` as it is when it is wireshift's or the caller's; else as
    :class:`~wireshift.InternalError` naming ``where``."""
    if isinstance(exc, (WireshiftError, MemoryError)) or getattr(exc, _CALLERS_OWN, False):
        raise exc
    raise InternalError(
        f"{where} failed on this input ({type(exc).__name__}: {excerpt(str(exc), 200)}); "
        "this is a wireshift bug, please report it"
    ) from exc


def boundary(where: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a public function whose own work raises only wireshift errors."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                foreign(exc, where)

        return guarded

    return decorate
