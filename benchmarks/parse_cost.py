"""Per-event parse cost of wireshift's models against json.loads on the same bytes, and the
cost of `import wireshift` against importing pydantic. Ratios from one run, median of repeats."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from typing import Any

import workloads
from common import Row, Section, side_by_side

__all__ = ["sections"]


def _events() -> dict[str, bytes]:
    return {
        "Responses text delta": json.dumps(
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
        "Responses arguments delta": json.dumps(
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


def parse_section(repeats: int) -> Section:
    import wireshift

    rows = []
    for name, data in _events().items():
        parser: Callable[[bytes], Any] = (
            wireshift.responses.parse_response_event
            if name.startswith("Responses")
            else wireshift.chat.ChatCompletionChunk.parse
        )
        results = side_by_side(
            {"json.loads": partial(json.loads, data), "ours": partial(parser, data)}, repeats
        )
        floor, ours = results["json.loads"], results["ours"]
        assert isinstance(floor, float)
        if not isinstance(ours, float):
            rows.append(Row(f"wireshift parse, {name}", note=f"not measured: {ours}"))
            continue
        against = f"json.loads ({floor * 1e6:.1f} us)"
        rows.append(Row(f"wireshift parse, {name}", ours, against, ours / floor))
    return Section("parse one event (bytes -> typed model), per call", rows)


def _import_ms(statement: str, setup: str = "", env: dict[str, str] | None = None) -> float:
    """The CPU time of ``statement`` in a fresh process (after ``setup``), in milliseconds."""
    code = (
        f"{setup or 'pass'}; import time; t = time.process_time(); "
        f"{statement}; print((time.process_time() - t) * 1000)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(done.stdout)


def _cached_bytecode(cache: str) -> dict[str, str]:
    """The environment of a process that reads and writes bytecode caches under ``cache``, as
    an installed package has them (pip compiles at install; a first import writes them), even
    where the environment says not to write them (``PYTHONDONTWRITEBYTECODE``, set on some CI
    machines and containers: every import would then compile every module from source)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


# Cold start: what a fresh worker does before its first upstream call. The captured Codex
# request is read before the clock starts (its file holds the body under "body").
COLD_SETUP = (
    "import json; from pathlib import Path; "
    f"raw = json.dumps(json.loads(Path({str(workloads.CODEX_FIXTURE)!r}).read_text())['body'])"
)
COLD = "import wireshift; wireshift.translate_request(raw, to='chat', profile='vllm')"
ONE_MODEL = (
    "import pydantic; "
    "pydantic.create_model('Turn', text=(str, ...)).model_validate_json(b'{\"text\": \"hi\"}')"
)


def import_section(repeats: int) -> Section:
    label = "from pydantic import BaseModel"
    statements = {
        "pydantic": (label, ""),
        "one model": (ONE_MODEL, ""),
        "ours": ("import wireshift", ""),
        "full": ("import wireshift.chat, wireshift.responses", ""),
        "cold": (COLD, COLD_SETUP),
    }
    samples: dict[str, list[float]] = {name: [] for name in statements}
    cache = tempfile.mkdtemp(prefix="wireshift-bench-pycache-")
    try:
        env = _cached_bytecode(cache)
        for statement, setup in statements.values():
            _import_ms(statement, setup, env)  # writes the bytecode caches
        # In turns, like every other row; at least 15: a fresh interpreter's time scatters by
        # a fifth between runs; with 5 the median ratio moved 1.76x-2.08x in one day, with 9
        # it still moved 1.89x-2.03x between two runs of the same code (2026-12-04).
        for _ in range(max(repeats, 15)):
            for name, (statement, setup) in statements.items():
                samples[name].append(_import_ms(statement, setup, env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    pydantic, one_model, ours, full, cold = (
        statistics.median(samples[name]) for name in statements
    )
    cold_rounds = sorted(c / p for c, p in zip(samples["cold"], samples["pydantic"], strict=True))
    cold_ratio = statistics.median(cold_rounds)
    quartiles = statistics.quantiles(cold_rounds, n=4)
    return Section(
        "import time and cold start (a fresh process each, bytecode cached, sampled in turns)",
        [
            Row(label, pydantic / 1e3),
            Row(
                "pydantic: import, one model made and validated",
                one_model / 1e3,
                "pydantic import",
                one_model / pydantic,
                note="what any pydantic model costs on first use: its schema builder loads with "
                "the first class, its plugin loader (importlib.metadata) with the first "
                "validator; wireshift's own cost is what the rows below add to this",
            ),
            Row("import wireshift", ours / 1e3, "pydantic import", ours / pydantic),
            Row(
                "import wireshift + both model sets",
                full / 1e3,
                "pydantic import",
                full / pydantic,
                note="the model packages load on first use of one of their names",
            ),
            Row(
                "cold start: import + translate the Codex request",
                cold / 1e3,
                "pydantic import",
                cold_ratio,
                "<= 2x",
                cold_ratio <= 2,
                note="import wireshift, then translate_request of the captured Codex 0.169 "
                "request to chat for vllm, in a fresh process; ratio: the median of each "
                f"round's ratio ({len(cold_rounds)} rounds; the middle half from "
                f"{quartiles[0]:.2f}x to {quartiles[2]:.2f}x)",
            ),
        ],
    )


def sections(repeats: int) -> list[Section]:
    return [parse_section(repeats), import_section(repeats)]
