"""Browser tests: the real dashboard served on a free port, driven by Playwright with Debian's Chromium.

Chromium is never downloaded (no ``playwright install``): the tests use ``/usr/bin/chromium`` (or
``$MOSAIC_CHROMIUM``). Without it they skip with a message, except in CI (``CI=true``), where a missing
browser is a failure. Every request a page makes is recorded; a test fails if any leaves 127.0.0.1.
Screenshots go to ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: A row planted into the test workspace: data text that must show as text, and a link that must not work.
HOSTILE_CSV = (
    "authority,technology,response_date,outcome,source_url,notes\n"
    'Kent Police,Facial recognition,2021-03-04,Neither confirm nor deny s24(2),javascript:alert(document.domain),"<script>window.__pwned=1</script><b>bold?</b>"\n'
    '"<a href=""https://evil.example/phish"">Official Portal</a> Police",Facial recognition,2021-03-05,disclosed,https://example.org/x,\n'
)


def chromium_path() -> str | None:
    given = os.environ.get("MOSAIC_CHROMIUM")
    for candidate in (given, "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        message = "Chromium not found at /usr/bin/chromium: install Debian's chromium (apt-get install chromium) to run the browser tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: browser tests must not skip)")
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture(scope="session")
def server(chromium: str) -> Iterator[dict]:
    """The dashboard on the sample plus the hostile row, served from a thread on a free port."""
    from werkzeug.serving import make_server

    from dashboards.app import create_app
    from dashboards.data import WorkspaceData
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    folder = Path(tempfile.mkdtemp(prefix="mosaic-browser-"))
    hostile = folder / "hostile.csv"
    hostile.write_text(HOSTILE_CSV, encoding="utf-8")
    workspace = Workspace(folder / "workspace")
    report = ingest_files([sample_path("responses.csv"), hostile], workspace)
    assert report.committed, report.errors
    from dashboards.server import default_boundaries
    from mosaic.registry import load_authorities

    # The ONS boundaries shipped with mosaic: the geographic map is tested from the shipped file, offline.
    boundaries = default_boundaries(load_authorities().get_column("pfa_code").drop_nulls().to_list())
    app = create_app(WorkspaceData(workspace, is_sample=True), boundaries=boundaries, upload_limit_bytes=1024 * 1024)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "url": f"http://127.0.0.1:{http.server_port}",
            "workspace": workspace,
            "folder": folder,
            "has_boundaries": boundaries is not None,
        }
    finally:
        http.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_context(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="mosaic-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1100},
            accept_downloads=True,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context, server):
    """A fresh tab; fails the test if the page requested anything outside 127.0.0.1 or raised a JS error."""
    tab = browser_context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    tab.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if urlparse(request.url).hostname not in ("127.0.0.1", None)
            and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: (errors.append(f"dialog opened: {dialog.message}"), dialog.dismiss()))
    yield tab
    tab.close()
    assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"
    assert errors == [], f"page errors: {errors[:5]}"


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG under test-artifacts/browser/."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
