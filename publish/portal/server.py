"""The web server `terbuka serve` runs: the built portal as static files, plus the one rule a static host needs
for the CKAN API (a query such as package_show?id=X answered from its file, see ckan.candidates), with the
security headers the README asks of a host (csp.HEADERS)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from urllib.parse import urlsplit

from publish.portal import ckan, csp


class PortalHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory`; requests under api/3/action/ are mapped to their files the way the README's nginx
    rule maps them, and the answers are JSON. Folders without index.html are never listed."""

    def translate_path(self, path: str) -> str:
        parts = urlsplit(path)
        if parts.path.startswith("/" + ckan.API):
            root = Path(self.directory)
            found = [c for c in ckan.candidates(parts.path, parts.query) if (root / c).is_file()]
            path = "/" + found[0] if found else "/" + ckan.API + ".missing"
        return super().translate_path(path)

    def guess_type(self, path) -> str:
        if f"/{ckan.API.rstrip('/')}/" in str(path).replace("\\", "/"):
            return "application/json"
        return super().guess_type(path)

    def end_headers(self):
        for name, value in csp.HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path):
        self.send_error(404, "Not found")
        return None

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass  # a local preview needs no access log on the terminal


def make_server(site_dir: Path, port: int, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A server for `site_dir` on host:port (port 0 picks a free one; the chosen one is server_address[1])."""
    handler = functools.partial(PortalHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)
