"""A bare endpoint for benchmarks: the app's own request cycle doing no work (no database, no session).

Registered only when PODIUM_BENCH_ENDPOINTS is on (bench/vote_throughput.py sets it), so the
throughput of a real page can be compared with what the same workers manage for nothing.
"""
from flask import Blueprint

bp = Blueprint("bench", __name__)


@bp.get("/_bench/bare")
def bare():
    """Answer a fixed text: the cost of Flask, the middleware and gunicorn alone."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
