"""Run every benchmark and print its table (nox -s bench)."""

from __future__ import annotations

import parse_cost

if __name__ == "__main__":
    parse_cost.main()
