"""``warm_up`` builds at startup what real translations would build on first use, so that a
gateway that freezes its heap after it leaves (almost) nothing for the collector to walk."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

# Run in a fresh interpreter: this test process has built everything long ago.
_PROBE = textwrap.dedent(
    """
    import gc, json, sys
    from pathlib import Path
    import wireshift
    data = Path(sys.argv[2])
    if sys.argv[1] == "warm":
        assert wireshift.translate.warm_up() is None
    gc.collect()
    gc.freeze()
    before = len(gc.get_objects())
    fixture = data / "fixtures" / "codex-0.169-request-2-tool-roundtrip.json"
    body = json.loads(fixture.read_text())["body"]
    sent = wireshift.translate_request(json.dumps(body), to="chat", profile="vllm")
    chat = (data / "streams" / "accumulate" / "chat_tool_calls.sse").read_bytes()
    responses = (data / "streams" / "codex_turn.sse").read_bytes()
    names = sent.tool_names
    list(wireshift.translate_stream([chat], to="responses", tool_names=names, encode=True))
    list(wireshift.translate_stream([responses], to="chat", encode=True))
    wireshift.translate_response(wireshift.accumulate_stream([chat]), to="responses")
    wireshift.translate_response(wireshift.accumulate_stream([responses]), to="chat")
    del sent, names
    gc.collect()
    print(len(gc.get_objects()) - before)
    """
)


def _objects_left_unfrozen(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode, str(DATA)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.split()[-1])


@pytest.mark.parametrize("mode", ["cold", "warm"])
def test_after_warm_up_real_translations_build_almost_nothing(mode: str) -> None:
    left = _objects_left_unfrozen(mode)
    if mode == "warm":
        assert left < 1_000
    else:
        # What warm_up saves a frozen gateway: model classes and validators built later.
        assert left > 10_000


def test_warm_up_keeps_nothing() -> None:
    import gc

    import wireshift

    wireshift.translate.warm_up()
    gc.collect()
    before = len(gc.get_objects())
    wireshift.translate.warm_up()
    gc.collect()
    assert len(gc.get_objects()) - before < 100
