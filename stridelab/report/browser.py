"""Headless Chromium: print the report to PDF, take screenshots, dump the rendered DOM.

Chromium is found through ``STRIDELAB_CHROMIUM``, then ``chromium``, ``chromium-browser``,
``google-chrome`` or ``google-chrome-stable`` on the ``PATH``. On Debian/Ubuntu it is the
``chromium`` package (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from stridelab.errors import StridelabError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio")


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or ``None`` when none is installed."""
    given = os.environ.get("STRIDELAB_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium() -> str:
    exe = find_chromium()
    if exe is None:
        raise StridelabError(
            "no Chromium found to render the report: install it (Debian/Ubuntu: "
            "`apt-get install chromium`) or set STRIDELAB_CHROMIUM to a Chrome/Chromium "
            "executable")
    return exe


def run_headless(url: str, *args: str, timeout: float = 120.0) -> str:
    """Run headless Chromium on ``url`` with extra ``args``; return its standard output."""
    exe = _chromium()
    with tempfile.TemporaryDirectory(prefix="stridelab-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *args, url]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                 stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise StridelabError(f"Chromium did not finish within {timeout:g} s") from None
        except OSError as exc:
            raise StridelabError(f"cannot run Chromium ({exe}): {exc}") from None
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["no message"])[-1]
        raise StridelabError(f"Chromium failed (exit {res.returncode}): {last}")
    return res.stdout


def write_pdf(html_path: str | Path, pdf_path: str | Path, timeout: float = 120.0) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4, the page's print CSS, no browser header/footer).

    Raises
    ------
    StridelabError
        When no Chromium is installed, or it fails to write the PDF.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    if not html_path.is_file():
        raise StridelabError(f"{html_path}: no such report")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    run_headless(html_path.as_uri(), f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer",
                 "--print-to-pdf-no-header", timeout=timeout)
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise StridelabError(f"Chromium wrote no PDF at {pdf_path}")
    return pdf_path


def screenshot(html_path: str | Path, png_path: str | Path, width: int = 1280,
               height: int = 2000, timeout: float = 120.0) -> Path:
    """Render ``html_path`` into a ``width`` x ``height`` PNG."""
    html_path, png_path = Path(html_path).resolve(), Path(png_path).resolve()
    run_headless(html_path.as_uri(), f"--screenshot={png_path}",
                 f"--window-size={width},{height}", timeout=timeout)
    if not png_path.is_file():
        raise StridelabError(f"Chromium wrote no screenshot at {png_path}")
    return png_path


def dump_dom(html_path: str | Path, timeout: float = 120.0) -> str:
    """The DOM after Chromium has parsed and laid out ``html_path``, serialised as HTML."""
    return run_headless(Path(html_path).resolve().as_uri(), "--dump-dom", timeout=timeout)
