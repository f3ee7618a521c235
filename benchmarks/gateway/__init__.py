"""The gateway benchmark's processes and load generator (see gateway_cost.py)."""
