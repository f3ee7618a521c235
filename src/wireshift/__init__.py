"""wireshift: translate between the OpenAI Responses API and Chat Completions wire formats.

Sans-I/O: bytes and objects in, bytes and objects out.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _body, _errors, _httpx, _notes, _profiles, _sse, _toolnames, _upstream
from ._body import *  # noqa: F403
from ._errors import *  # noqa: F403
from ._httpx import *  # noqa: F403
from ._lazy_names import LAZY_NAMES
from ._model import JSONInput, WireModel
from ._notes import *  # noqa: F403
from ._profiles import *  # noqa: F403
from ._sse import *  # noqa: F403
from ._toolnames import *  # noqa: F403
from ._upstream import *  # noqa: F403

if TYPE_CHECKING:
    from .accumulate import *  # noqa: F403
    from .chat import *  # noqa: F403
    from .responses import *  # noqa: F403
    from .toolseq import *  # noqa: F403
    from .translate import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    "JSONInput",
    "WireModel",
    "__version__",
    *_body.__all__,
    *_errors.__all__,
    *_httpx.__all__,
    *_notes.__all__,
    *_profiles.__all__,
    *_sse.__all__,
    *_toolnames.__all__,
    *_upstream.__all__,
    *LAZY_NAMES,
]


def __getattr__(name: str) -> Any:
    # The model packages define hundreds of pydantic classes, whose creation costs about as
    # much again as importing pydantic: they load on first use of one of their names.
    module = LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'wireshift' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LAZY_NAMES))
