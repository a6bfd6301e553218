"""Files of the analysts' dashboard (web/dashboard/public), served by the gateway: only regular
files inside that folder, only of the types listed here; anything else is 404."""
from __future__ import annotations

from pathlib import Path

from werkzeug.wrappers import Response

DEFAULT_DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "web" / "dashboard" / "public"

# Fixed here rather than guessed by `mimetypes`, which reads /etc/mime.types and differs by machine.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


def find(root: Path, relative: str) -> Path | None:
    """The file `relative` names inside root, or None: no '..', hidden name, absolute path or
    link leads out of it."""
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    if any(not part or part.startswith(".") for part in relative.split("/")):  # also '.' and '..'
        return None
    base = root.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate if candidate.suffix in CONTENT_TYPES else None


def serve(root: Path, relative: str) -> Response:
    found = find(root, relative)
    if found is None:
        return Response("not found", status=404, content_type="text/plain; charset=utf-8")
    response = Response(found.read_bytes(), status=200, content_type=CONTENT_TYPES[found.suffix])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"  # revalidate: a new build shows at once
    if found.suffix == ".html":
        # Scripts only from the gateway itself: no CDN, nothing injected runs. ECharts styles its tooltips inline.
        response.headers["Content-Security-Policy"] = ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                                       "img-src 'self' data:")
    return response


def redirect(location: str) -> Response:
    return Response("", status=302, headers={"Location": location})
