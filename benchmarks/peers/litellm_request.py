"""Times LiteLLM's Responses -> Chat request transformation; runs inside LiteLLM's own venv.

Usage: ``python litellm_request.py REPEATS BODY.json...``. Prints one JSON object: for each
body file, the median seconds of LiteLLM's transformation and of the floor (``json.loads`` +
``json.dumps``), both measured here, side by side, with the same timer as the main run.
"""

from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

# No network here: use the model cost map LiteLLM ships instead of fetching it at import.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import request_floor, side_by_side
from litellm.responses.litellm_completion_transformation.transformation import (
    LiteLLMCompletionResponsesConfig,
)

PROVIDER = "hosted_vllm"
"""A chat-only backend, the reason to translate at all."""


def _default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(exclude_none=True)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def litellm_translate(raw: bytes) -> bytes:
    """What a gateway does with LiteLLM: parse the body, transform it, serialize the result."""
    params = json.loads(raw)
    model = params.pop("model")
    given = params.pop("input", "")
    stream = params.pop("stream", None)
    chat = (
        LiteLLMCompletionResponsesConfig.transform_responses_api_request_to_chat_completion_request(
            model=model,
            input=given,
            responses_api_request=params,
            custom_llm_provider=PROVIDER,
            stream=stream,
        )
    )
    chat.pop("custom_llm_provider", None)  # LiteLLM's own routing key, not sent
    return json.dumps(chat, separators=(",", ":"), ensure_ascii=False, default=_default).encode()


def _check(raw: bytes) -> None:
    messages = json.loads(litellm_translate(raw)).get("messages")
    if not messages or messages[-1].get("role") not in ("user", "tool"):
        raise SystemExit("wrong output: no messages, or the last one is not the user's or a tool's")


def main() -> None:
    repeats = int(sys.argv[1])
    report: dict[str, dict[str, float | str]] = {}
    for path in sys.argv[2:]:
        raw = Path(path).read_bytes()
        _check(raw)
        results = side_by_side(
            {
                "litellm": partial(litellm_translate, raw),
                "floor": partial(request_floor, raw),
            },
            repeats,
        )
        report[path] = {
            name: float(value) if isinstance(value, float) else str(value)
            for name, value in results.items()
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
