"""Peers whose pins clash with ours get their own virtualenv under ``benchmarks/.venvs/``.

Created on first use with ``uv`` when it is on PATH (else ``venv`` and pip), on the running
interpreter's Python, so both sides run the same Python. A stamp file records what was
installed: a second run reuses the venv, a changed requirement rebuilds it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from common import Unavailable

__all__ = ["LITELLM_REQUIREMENT", "VENVS", "peer_python"]

VENVS = Path(__file__).resolve().parent / ".venvs"
INSTALL_TIMEOUT = 900
LITELLM_REQUIREMENT = "litellm[proxy]==1.106.2"
"""One LiteLLM venv for its transform (translate group) and its proxy server (gateway
group): the ``proxy`` extra brings the server's own dependencies."""


def _python_in(venv: Path) -> Path:
    if sys.platform == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"`{' '.join(command[:3])} ...` failed: {error}") from error
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise Unavailable(f"`{' '.join(command[:3])} ...` failed: {' / '.join(tail)}")


def peer_python(name: str, requirements: list[str]) -> Path:
    """The Python of the venv ``name`` with ``requirements`` installed, built if needed.
    Raises :class:`Unavailable` (with the installer's last words) when that fails."""
    venv = VENVS / name
    python = _python_in(venv)
    stamp = venv / "wireshift-bench.txt"
    wanted = "\n".join(requirements)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    shutil.rmtree(venv, ignore_errors=True)
    VENVS.mkdir(parents=True, exist_ok=True)
    print(f"(installing {', '.join(requirements)} into {venv} ...)", file=sys.stderr, flush=True)
    base = getattr(sys, "_base_executable", sys.executable)
    uv = shutil.which("uv")
    if uv is not None:
        _run([uv, "venv", "--quiet", "--python", base, str(venv)])
        _run([uv, "pip", "install", "--quiet", "--python", str(python), *requirements])
    else:
        _run([base, "-m", "venv", str(venv)])
        _run([str(python), "-m", "pip", "install", "--quiet", *requirements])
    stamp.write_text(wanted)
    return python
