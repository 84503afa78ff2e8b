"""Reports printed to PDF by headless Chromium, driven by Playwright.

Playwright's own browser download does not work everywhere, so the system Chromium is used
(``HTPROFILES_CHROMIUM``, else ``chromium`` or ``chromium-browser`` on the ``PATH``). One
browser, in a process of its own, serves a whole batch: it is started on the first report and
closed at the end.

Chromium writes the time of printing into the PDF; ``deterministic`` replaces it, so the same
HTML prints to the same bytes.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import re
import shutil
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from html import escape
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import PdfError, UsageError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM_ENV = "HTPROFILES_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
LAUNCH_ARGS = (
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
)
"""Headless on a closed network: without the background-networking flags Chromium keeps
trying to reach Google's hosts."""
SIDE = "0.6in"
MARGINS = {"top": "0.5in", "bottom": "0.6in", "left": SIDE, "right": SIDE}
FOOTER = (
    '<div style="box-sizing:border-box;width:100%;padding:0 {side};display:flex;'
    "justify-content:space-between;"
    "font:8pt 'Liberation Sans',Arial,Helvetica,sans-serif;color:#555\">"
    "<span>{title}</span><span>Page <span class=\"pageNumber\"></span> of "
    '<span class="totalPages"></span></span></div>'
)
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


def find_chromium() -> str:
    """The Chromium executable to print with, found before any report is built.

    Raises
    ------
    UsageError
        If there is none: ``--pdf`` cannot work on this machine.
    """
    found = os.environ.get(CHROMIUM_ENV) or next(
        filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if not found or not os.access(found, os.X_OK):
        raise UsageError(f"--pdf needs Chromium: install it (Debian: apt-get install chromium) "
                         f"or set {CHROMIUM_ENV} to its path")
    return found


def launch(playwright: Playwright, executable: str) -> Browser:
    """Start headless Chromium with the flags that keep it quiet offline (tests use it too)."""
    return playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))


def footer(territory_name: str, year: int) -> str:
    """The page footer: territory and year on the left, page X of N on the right."""
    return FOOTER.format(title=escape(f"{territory_name}, {year}"), side=SIDE)


def deterministic(pdf: bytes, epoch: str | None = None) -> bytes:
    """The PDF without its time of printing: dates set from ``epoch`` (``SOURCE_DATE_EPOCH``)
    or blanked out.

    Every replacement has the length of what it replaces, so the cross-reference table's byte
    offsets stay right.
    """
    stamp = (time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(int(epoch)))
             if epoch else None)

    def replace(match: re.Match) -> bytes:
        entry = f"/{match[1].decode()} ({stamp})".encode() if stamp else b""
        return entry.ljust(len(match[0])) if len(entry) <= len(match[0]) else b" " * len(match[0])

    return _DATE.sub(replace, pdf)


class _Session:
    """Playwright and one headless Chromium, started on the first page; lives in the printer
    process."""

    def __init__(self, executable: str):
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def _started(self) -> Browser:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = self._playwright or sync_playwright().start()
            self._browser = launch(self._playwright, self.executable)
        return self._browser

    def print_page(self, html: bytes, footer_html: str) -> bytes:
        """US-letter pages of one report, with the footer on each, offline.

        Raises
        ------
        PdfError
            If Chromium cannot start or print.
        """
        from playwright.sync_api import Error

        try:
            page = self._started().new_page()
            try:
                page.route("**/*", lambda route: route.abort())  # reports fetch nothing
                page.set_content(html.decode(), wait_until="load")
                return page.pdf(format="Letter", margin=MARGINS, print_background=True,
                                display_header_footer=True, header_template="<span></span>",
                                footer_template=footer_html, tagged=True, outline=True)
            finally:
                page.close()
        except Error as exc:
            raise PdfError(f"printing to PDF failed: {exc.message.splitlines()[0]}") from None

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


_session: _Session | None = None
"""The printer process's browser session."""


def _start_printer_process(executable: str) -> None:
    """A session of its own, so that a Ctrl-C at the terminal reaches only the batch, which
    then stops this process, instead of killing Playwright's driver and Chromium mid-page."""
    global _session
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _session = _Session(executable)
    multiprocessing.util.Finalize(_session, _session.close, exitpriority=10)


def _print_page(html: bytes, footer_html: str) -> bytes:
    return _session.print_page(html, footer_html)


class Printer:
    """Prints reports in one process of its own, with one headless Chromium; use as a context
    manager.

    Both start on the first ``to_pdf``, so a batch with nothing to print starts neither, and a
    browser that cannot start fails the reports that asked for a PDF, not the batch.
    """

    def __init__(self, executable: str):
        self.executable = executable

    def __enter__(self) -> Printer:
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_printer_process,
                                         initargs=(self.executable,))
        return self

    def __exit__(self, kind: type | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def to_pdf(self, html: bytes, footer_html: str) -> bytes:
        """The report's PDF, without its time of printing (see ``deterministic``).

        Raises
        ------
        PdfError
            If Chromium cannot start or print, or the printer process died.
        """
        try:
            pdf = self._pool.submit(_print_page, html, footer_html).result()
        except BrokenProcessPool as exc:
            raise PdfError(f"printing to PDF failed: the printer process died ({exc})") from None
        return deterministic(pdf, os.environ.get("SOURCE_DATE_EPOCH"))
