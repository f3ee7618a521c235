"""Runs one contender of the gateway benchmark: an ASGI app under uvicorn on 127.0.0.1,
with the same server settings for every contender, that exits by itself after
``--deadline`` seconds whatever happens to the benchmark that started it.

    python serve.py codex_proxy:app --app-dir docs/examples --port 8080 --deadline 600
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="module:attribute")
    parser.add_argument("--app-dir", default=".")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--deadline", type=float, default=600.0)
    args = parser.parse_args()
    sys.path.insert(0, args.app_dir)
    stop = threading.Timer(args.deadline, os._exit, (0,))
    stop.daemon = True
    stop.start()
    # uvicorn as `pip install uvicorn` gives it: the asyncio loop and h11, for all alike.
    uvicorn.run(
        args.app,
        host="127.0.0.1",
        port=args.port,
        loop="asyncio",
        http="h11",
        log_level="warning",
        access_log=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
