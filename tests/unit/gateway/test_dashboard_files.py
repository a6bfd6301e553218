"""The gateway serves the dashboard's files and nothing else: only regular files inside its folder,
of the listed types, with their content types; every way out of the folder is 404."""
import re
from pathlib import Path

import pytest

from services import web_assets
from supervision.domain import KIND_NAMES
from supervision.ladder import LETTER_NAMES

PUBLIC = web_assets.DEFAULT_DASHBOARD_DIR


@pytest.mark.parametrize("path, content_type", [
    ("index.html", "text/html; charset=utf-8"),
    ("dashboard.js", "text/javascript; charset=utf-8"),
    ("dashboard.css", "text/css; charset=utf-8"),
])
def test_the_dashboard_files_are_served_with_their_content_type(path, content_type):
    answer = web_assets.serve(PUBLIC, path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.get_data() == (PUBLIC / path).read_bytes()


def test_the_page_runs_scripts_from_the_gateway_only():
    policy = web_assets.serve(PUBLIC, "index.html").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy  # scripts fall back to 'self'
    html = (PUBLIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<script src="([^"]+)"', html) == ["/dashboard/vendor/echarts.min.js", "/dashboard/dashboard.js"]


@pytest.fixture
def root(tmp_path) -> Path:
    """A served folder beside files that must stay out of reach."""
    (tmp_path / "secret.json").write_text('{"key": "x"}')
    public = tmp_path / "public"
    (public / "sub").mkdir(parents=True)
    (public / "index.html").write_text("<p>看板</p>", encoding="utf-8")
    (public / "sub" / "data.json").write_text("{}")
    (public / "server.py").write_text("SECRET = 1")
    (public / ".env.json").write_text("{}")
    (public / "link.json").symlink_to(tmp_path / "secret.json")
    return public


@pytest.mark.parametrize("path", [
    "../secret.json", "sub/../../secret.json", "sub/../index.html", "./index.html", "/etc/passwd",
    str(Path("/etc/passwd")), "sub//data.json", "sub\\..\\index.html", "index.html\x00.png", "",
    "link.json",    # a link out of the folder
    "server.py",    # a type not listed
    ".env.json",    # a hidden file
    "sub",          # a folder
    "missing.js",
])
def test_anything_but_a_listed_file_inside_the_folder_is_404(root, path):
    answer = web_assets.serve(root, path)
    assert answer.status_code == 404
    assert b"SECRET" not in answer.get_data() and b"key" not in answer.get_data()


def test_a_file_in_a_subfolder_is_served(root):
    answer = web_assets.serve(root, "sub/data.json")
    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "application/json")


def test_the_page_names_supervision_kinds_and_letters_as_supervision_does():
    script = (PUBLIC / "dashboard.js").read_text(encoding="utf-8")
    for names in (KIND_NAMES, LETTER_NAMES):
        for code, name in names.items():
            assert f'{code}: "{name}"' in script, code
