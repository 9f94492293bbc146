"""Issue 13 item 10: the Load data page maps the columns ingest could not place, then reads again."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboards.ids import LoadIds

pytestmark = pytest.mark.browser


@pytest.fixture
def own_server(chromium):
    """The dashboard over a workspace of its own (this test writes to it)."""
    from werkzeug.serving import make_server

    from dashboards.app import create_app
    from dashboards.data import WorkspaceData
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    folder = Path(tempfile.mkdtemp(prefix="mosaic-mapping-"))
    workspace = Workspace(folder / "workspace")
    assert ingest_files([sample_path("responses.csv")], workspace).committed
    http = make_server("127.0.0.1", 0, create_app(WorkspaceData(workspace)).server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield {"url": f"http://127.0.0.1:{http.server_port}"}
    finally:
        http.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def test_an_unplaced_column_is_chosen_on_the_page_and_the_file_read_again(
    browser_context, own_server, tmp_path, screenshot
):
    upload = tmp_path / "wave.csv"
    upload.write_text("Force,Kit,Date of response,Response\nKent Police,Drones,2024-01-10,NCND\n", encoding="utf-8")
    page = browser_context.new_page()
    page.goto(own_server["url"] + "/load")
    page.set_input_files(f"#{LoadIds.UPLOAD} input[type=file]", str(upload))
    page.wait_for_selector(".mapping-form", timeout=60000)
    assert "Nothing was written." in page.inner_text(f"#{LoadIds.RESULT}")
    row = page.locator(".column-mapping tr", has_text="Kit")
    assert row.locator(".dash-dropdown-value").inner_text() == "choose a field"  # ingest could not place it
    row.locator("button.dash-dropdown").click()
    page.get_by_role("option", name="technology", exact=True).click()
    expect(row.locator(".dash-dropdown-value")).to_have_text("technology", timeout=20000)
    screenshot(page, "load-mapping")
    page.click(f"#{LoadIds.REMAP}")
    page.wait_for_selector("#reconciliation-line", timeout=60000)
    assert page.inner_text("#reconciliation-line") == "rows read 1 = accepted 1 + quarantined 0 + duplicates 0"
    page.close()
