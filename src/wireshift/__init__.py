"""wireshift: translate between the OpenAI Responses API and Chat Completions wire formats.

Sans-I/O: bytes and objects in, bytes and objects out.
"""

from . import _body, _errors, _httpx, _notes, _profiles, _sse, _toolnames, chat, responses
from ._body import *  # noqa: F403
from ._errors import *  # noqa: F403
from ._httpx import *  # noqa: F403
from ._model import JSONInput, WireModel
from ._notes import *  # noqa: F403
from ._profiles import *  # noqa: F403
from ._sse import *  # noqa: F403
from ._toolnames import *  # noqa: F403
from .chat import *  # noqa: F403
from .responses import *  # noqa: F403

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
    *chat.__all__,
    *responses.__all__,
]
