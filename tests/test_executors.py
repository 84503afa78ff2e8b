"""Where reports run: the executors' own behaviour, apart from the reports."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from htprofiles.batch import executors


def test_workers_still_starting_when_a_build_stops_end_quietly():
    """A build refused for bad data shuts its pool down while the thread that starts the
    workers may still be at it: that thread must stop, not print a traceback."""
    pool = ProcessPoolExecutor(1)
    pool.shutdown()
    executors._spawn_workers(pool, 2)
