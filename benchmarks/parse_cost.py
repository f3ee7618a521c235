"""Per-event parse cost of wireshift's models against json.loads on the same bytes, and the
cost of `import wireshift` against importing pydantic. Ratios from one run, median of repeats."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import timeit
from collections.abc import Callable
from typing import Any

import wireshift

REPEATS = 7


def _events() -> dict[str, bytes]:
    return {
        "responses output_text.delta": json.dumps(
            {
                "type": "response.output_text.delta",
                "item_id": "msg_0123456789abcdef",
                "output_index": 1,
                "content_index": 0,
                "delta": "Hello, wor",
                "sequence_number": 42,
                "logprobs": [],
                "obfuscation": "Qx7",
            }
        ).encode(),
        "responses function_call_arguments.delta": json.dumps(
            {
                "type": "response.function_call_arguments.delta",
                "item_id": "fc_0123456789abcdef",
                "output_index": 2,
                "delta": '{"command":["ls",',
                "sequence_number": 77,
            }
        ).encode(),
        "chat content chunk": json.dumps(
            {
                "id": "chatcmpl-123",
                "object": "chat.completion.chunk",
                "created": 1767225600,
                "model": "deepseek-chat",
                "choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}],
            }
        ).encode(),
        "chat tool-call chunk": json.dumps(
            {
                "id": "chatcmpl-123",
                "object": "chat.completion.chunk",
                "created": 1767225600,
                "model": "deepseek-chat",
                "choices": [
                    {
                        "index": 0,
                        "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '"ls",'}}]},
                        "finish_reason": None,
                    }
                ],
            }
        ).encode(),
    }


def _per_call_us(fn: Callable[[], Any], number: int = 20000) -> float:
    runs = timeit.repeat(fn, number=number, repeat=REPEATS)
    return statistics.median(runs) / number * 1e6


def parse_rows() -> list[tuple[str, float, float]]:
    rows = []
    for name, data in _events().items():
        if name.startswith("responses"):
            parse: Callable[[], Any] = lambda d=data: wireshift.parse_response_event(d)  # noqa: E731
        else:
            parse = lambda d=data: wireshift.ChatCompletionChunk.parse(d)  # noqa: E731
        parse()  # builds the adapters once, as a running gateway has
        floor = _per_call_us(lambda d=data: json.loads(d))
        rows.append((name, floor, _per_call_us(parse)))
    return rows


def _import_ms(statement: str) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        f"{statement}; print((time.perf_counter() - t) * 1000)"
    )
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(REPEATS)
    ]
    return statistics.median(samples)


def main() -> None:
    print(
        f"# parse cost ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, median of {REPEATS})"
    )
    print(f"{'event':<42} {'json.loads':>11} {'wireshift':>10} {'ratio':>6}")
    for name, floor, ours in parse_rows():
        print(f"{name:<42} {floor:>9.2f}us {ours:>8.2f}us {ours / floor:>5.2f}x")
    pyd = _import_ms("from pydantic import BaseModel")
    ws = _import_ms("import wireshift")
    full = _import_ms(
        "import wireshift; wireshift.ResponsesRequest; wireshift.ChatCompletionRequest"
    )
    print(f"\n# import time (fresh process each, median of {REPEATS})")
    print(f"from pydantic import BaseModel       {pyd:7.1f} ms")
    print(f"import wireshift                     {ws:7.1f} ms  ({ws / pyd:.2f}x pydantic)")
    print(f"import wireshift + both model sets   {full:7.1f} ms  ({full / pyd:.2f}x pydantic)")


if __name__ == "__main__":
    main()
