"""The per-report task: what it captures travels back with its own report only."""

from __future__ import annotations

import logging
import threading

from htprofiles.batch.tasks import CAPTURED_LOGGERS, capture_logs


def test_two_reports_in_threads_of_one_process_keep_their_own_log_lines():
    """A threaded Dask worker runs reports side by side, and loggers are process-wide."""
    together = threading.Barrier(2)
    found = {}

    def report(name: str) -> None:
        with capture_logs() as messages:
            together.wait()
            logging.getLogger("htprofiles.batch.execute").warning("cell 3 of %s", name)
            logging.getLogger("papermill").warning("executing %s", name)
            together.wait()
            found[name] = list(messages)

    threads = [threading.Thread(target=report, args=(name,)) for name in ("VI", "GU")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {name: [f"cell 3 of {name}", f"executing {name}"] for name in ("VI", "GU")}


def test_outside_a_report_the_loggers_are_left_as_they_were():
    before = {name: list(logging.getLogger(name).handlers) for name in CAPTURED_LOGGERS}
    with capture_logs(), capture_logs():
        pass
    assert {name: logging.getLogger(name).handlers for name in CAPTURED_LOGGERS} == before
