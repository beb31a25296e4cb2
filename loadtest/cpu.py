"""CPU seconds spent so far by the server under test: `python loadtest/cpu.py PID DB` prints, as
JSON, those of the gunicorn master PID and its workers (reaped ones included, through the
master's children times) and those of each PostgreSQL backend connected to database DB.

The load test takes one reading before locust starts and one after it stops (gunicorn still up):
the difference divided by the requests served is the CPU one request costs. On a machine shared
with other work that figure hardly moves, where requests per second follow the neighbours' load.
"""

from __future__ import annotations

import json
import sys

import psutil


def gunicorn_seconds(pid: int) -> float:
    master = psutil.Process(pid)
    times = master.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in master.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:  # ended since: counted in the master's children times
            continue
        total += child_times.user + child_times.system
    return total


def postgres_seconds(database: str) -> dict[str, float]:
    """Per backend pid: `postgres: 15/main: USER DATABASE HOST(PORT) STATE`."""
    backends = {}
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if command.startswith("postgres:") and f" {database} " in f"{command} ":
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            backends[str(process.pid)] = times.user + times.system
    return backends


if __name__ == "__main__":
    pid, database = int(sys.argv[1]), sys.argv[2]
    print(json.dumps({"gunicorn": gunicorn_seconds(pid), "postgres": postgres_seconds(database)}))
