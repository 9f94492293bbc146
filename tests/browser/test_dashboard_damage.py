"""Issue 16: a damaged workspace gives the dashboard a clear one-line alert, never a bare HTTP 500.

Pages build their layout from the data when a request arrives, and callbacks read it again when the
workspace has changed: a part whose bytes no longer match their checksum must show up, on the page or
above it, as the same line ``mosaic`` prints ("workspace ... is damaged: parts/... does not match its
checksum ... 'mosaic check --repair' ..."), with the rest of the page still usable.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from dashboards.ids import MapIds, Shell

pytestmark = pytest.mark.browser


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x55
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_server(chromium):
    """The dashboard over a workspace holding the sample; ``damage()`` adds a file and flips a byte of its part."""
    from werkzeug.serving import make_server

    from dashboards.app import create_app
    from dashboards.data import WorkspaceData
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    folder = Path(tempfile.mkdtemp(prefix="mosaic-damage-"))
    workspace = Workspace(folder / "workspace")
    assert ingest_files([sample_path("responses.csv")], workspace).committed

    def damage(*, add_file: bool) -> Path:
        if add_file:
            extra = folder / "extra.csv"
            extra.write_text(
                "authority,technology,response_date,outcome\nKent Police,Drones,2024-05-01,disclosed\n",
                encoding="utf-8",
            )
            assert ingest_files([extra], workspace).committed
        part = max((folder / "workspace" / "parts").glob("*.responses.parquet"), key=lambda p: p.stat().st_mtime_ns)
        _flip_a_byte(part)
        return part

    app = create_app(WorkspaceData(workspace, is_sample=True))
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{http.server_port}", "damage": damage}
    finally:
        http.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_damaged_workspace_is_one_line_on_the_page_not_an_http_500(browser_context, damaged_server, screenshot):
    part = damaged_server["damage"](add_file=False)
    page = browser_context.new_page()
    failed: list[int] = []
    page.on("response", lambda response: failed.append(response.status) if response.status >= 500 else None)
    for path in ("/", "/findings", "/timeline"):
        page.goto(damaged_server["url"] + path)
        page.wait_for_selector(".workspace-error", timeout=20000)
        text = page.inner_text(".workspace-error")
        assert "is damaged" in text and part.name in text and "mosaic check --repair" in text, text
        assert "Traceback" not in page.content()
    screenshot(page, "damaged-workspace")
    page.close()
    assert failed == []


def test_damage_found_by_a_callback_shows_above_the_page(browser_context, damaged_server, screenshot):
    page = browser_context.new_page()
    failed: list[int] = []
    page.on("response", lambda response: failed.append(response.status) if response.status >= 500 else None)
    page.goto(damaged_server["url"] + "/?technology=facial-recognition")
    page.wait_for_selector(f"#{MapIds.LEGEND} li", timeout=20000)
    part = damaged_server["damage"](add_file=True)  # the workspace changes under the running page
    handle = page.locator(f"#{MapIds.AS_OF} [role=slider]")
    handle.focus()
    page.keyboard.press("Home")
    page.wait_for_selector(f"#{Shell.ALERT} .workspace-error", timeout=20000)
    text = page.inner_text(f"#{Shell.ALERT}")
    assert "is damaged" in text and part.name in text, text
    assert "Confirmed: 0" not in page.inner_text(f"#{MapIds.LEGEND}")  # what was shown stays shown
    screenshot(page, "damaged-workspace-callback")
    page.close()
    assert failed == []
