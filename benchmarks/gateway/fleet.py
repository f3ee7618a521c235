"""Starts the gateway benchmark's processes on 127.0.0.1 and stops every one of them.

Each child also stops by itself: it gets a deadline, and on Linux it is killed when the
benchmark dies (``PR_SET_PDEATHSIG``), so a benchmark killed halfway leaves nothing behind.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["Fleet", "cpu_seconds", "free_port"]

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far, all its threads (the kernel's
    own accounting, the counters ``getrusage`` reads)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_steal_seconds() -> float:
    """CPU seconds the machine's hypervisor has taken from this virtual machine since boot,
    all cores together (``steal`` in ``/proc/stat``; 0 on bare metal): time the proxies
    wanted a core and had none, whatever they ran."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = stat.readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def _die_with_parent() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Fleet:
    """The processes of one run; ``with Fleet(deadline) as fleet:`` stops them all on exit."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.processes: list[subprocess.Popen[str]] = []
        self.logs: dict[int, IO[str]] = {}
        self.scratch = Path(tempfile.mkdtemp(prefix="wireshift-gateway-"))
        """A directory for the run's files (LiteLLM's config), removed by :meth:`stop`."""

    def __enter__(self) -> Fleet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for process in self.processes:
            if process.stdout is not None:
                process.stdout.close()
        for log in self.logs.values():
            log.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _start(
        self, command: list[str], env: dict[str, str] | None = None, *, pipe: bool = False
    ) -> subprocess.Popen[str]:
        # A server's output goes to a file: a pipe nobody reads would fill and stall it.
        log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by stop())
        process = subprocess.Popen(
            command,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE if pipe else log,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.processes.append(process)
        self.logs[process.pid] = log
        return process

    def output(self, process: subprocess.Popen[str]) -> str:
        """The last of what a server wrote (for an error message)."""
        log = self.logs[process.pid]
        log.seek(0)
        return log.read()[-2000:]

    def upstream(self) -> int:
        """Start the scripted upstream; its port."""
        process = self._start(
            [sys.executable, str(HERE / "upstream.py"), "--deadline", str(self.deadline)],
            pipe=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"the upstream did not start: {line}{process.stdout.read()}")
        return int(line.split()[1])

    def server(
        self, python: str | Path, app: str, app_dir: str | Path, env: dict[str, str]
    ) -> tuple[int, subprocess.Popen[str]]:
        """Start ``app`` under uvicorn (serve.py) with ``python``; its port and process."""
        port = free_port()
        command = [str(python), str(HERE / "serve.py"), app, "--app-dir", str(app_dir)]
        command += ["--port", str(port), "--deadline", str(self.deadline)]
        return port, self._start(command, env)

    def wait_ready(
        self,
        servers: list[tuple[int, subprocess.Popen[str]]],
        timeout: float,
        probe: Callable[[int], bool] | None = None,
    ) -> None:
        """Until every server takes connections (and ``probe(port)`` holds, when given)."""
        end = time.monotonic() + timeout
        for port, process in servers:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"server exited ({process.returncode}): {self.output(process)}"
                    )
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        pass
                    if probe is None or probe(port):
                        break
                except OSError:
                    pass
                if time.monotonic() > end:
                    raise RuntimeError(f"server on port {port} not ready after {timeout:.0f} s")
                time.sleep(0.2)
