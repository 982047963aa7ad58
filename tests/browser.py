"""What the browser tests share: Debian's Chromium driven by Playwright, and a site served on 127.0.0.1.

Chromium is the apt package (`apt-get install chromium`; .ci/run installs it): Playwright's own browser
download does not work everywhere the tests run. Where it is absent, the browser tests skip with that reason."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium): browser tests skipped")


@contextlib.contextmanager
def chromium() -> Iterator:
    """A running headless Chromium (Playwright's Browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Files as they are, with no security header and no request log."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(site: Path, handler: type = Quiet) -> Iterator[str]:
    """The folder `site` served on 127.0.0.1 (a free port) by `handler`; yields its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
