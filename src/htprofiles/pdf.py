"""Reports printed to PDF by headless Chromium, driven by Playwright.

Playwright's own browser download does not work everywhere, so the system Chromium is used
(``HTPROFILES_CHROMIUM``, else ``chromium`` or ``chromium-browser`` on the ``PATH``). One
browser serves a whole batch: it is started on the first report and closed at the end.

Chromium writes the time of printing into the PDF; ``deterministic`` replaces it, so the same
HTML prints to the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from html import escape
from types import TracebackType
from typing import TYPE_CHECKING

from .errors import ReportError, UsageError

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
MARGINS = {"top": "0.6in", "bottom": "0.75in", "left": SIDE, "right": SIDE}
FOOTER = (
    '<div style="box-sizing:border-box;width:100%;padding:0 {side};display:flex;'
    "justify-content:space-between;"
    "font:8pt 'Liberation Sans',Arial,Helvetica,sans-serif;color:#555\">"
    "<span>{title}</span><span>Page <span class=\"pageNumber\"></span> of "
    '<span class="totalPages"></span></span></div>'
)
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


class PdfError(ReportError):
    """A report whose PDF could not be printed: the report counts as failed."""


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


class Printer:
    """One headless Chromium for many reports; use as a context manager.

    The browser starts on the first ``to_pdf`` so that a failure to start fails the reports
    that asked for a PDF, not the batch.
    """

    def __init__(self, executable: str):
        self.executable = executable
        self._playwright = self._browser = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Close the browser; after Ctrl-C it may be gone already, which is no new error."""
        if self._playwright is None:
            return
        from playwright.sync_api import Error

        with contextlib.suppress(Error):
            self._browser.close()
        self._playwright.stop()

    def _started(self) -> Browser:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = launch(self._playwright, self.executable)
        return self._browser

    def to_pdf(self, html: bytes, footer_html: str) -> bytes:
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
                pdf = page.pdf(format="Letter", margin=MARGINS, print_background=True,
                               display_header_footer=True, header_template="<span></span>",
                               footer_template=footer_html, tagged=True, outline=True)
            finally:
                page.close()
        except Error as exc:
            raise PdfError(f"printing to PDF failed: {exc.message.splitlines()[0]}") from None
        return deterministic(pdf, os.environ.get("SOURCE_DATE_EPOCH"))
