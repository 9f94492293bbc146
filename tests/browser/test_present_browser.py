"""What mosaic.present decides, seen in a real browser: the map's headline and legends count alike."""

from __future__ import annotations

import re

import pytest

from dashboards.ids import MapIds

from .test_dashboard_browser import legend_text, map_data, open_map

pytestmark = pytest.mark.browser


def test_the_headline_and_both_legends_count_the_same_authorities(page, server, screenshot):
    # Issue 13 item 13: "23 of 26" in the headline beside a legend counting 21. Facial recognition in the
    # sample has answers from authorities without a hexagon (listed under the map): every count includes them.
    open_map(page, server, "?technology=facial-recognition")
    page.wait_for_function(f"document.querySelector('#{MapIds.HEADLINE}').innerText.includes('Authorities asked')")
    headline = page.inner_text(f"#{MapIds.HEADLINE}")
    asked = int(re.search(r"Authorities asked\s+(\d+)", headline).group(1))
    written = {
        label.strip(): int(count)
        for label, count in re.findall(r"^(.+?): (\d+)$", legend_text(page), flags=re.M)
        if "also an NCND" not in label
    }
    assert sum(count for label, count in written.items() if not label.endswith("Not asked")) == asked
    assert re.search(rf"\d+ of {asked} have a confirm or deny on record", headline)
    traced = {
        match.group(1): int(match.group(2))
        for trace in map_data(page)
        if trace["name"]
        and (match := re.match(r"^(.+) \((\d+)\)$", trace["name"]))
        and "also an NCND" not in trace["name"]
    }
    assert traced == written  # the figure's legend and the written legend say the same numbers
    # The off-map list is the same callback's output as the written legend; wait for it rather than race it.
    page.wait_for_function(
        f"document.querySelector('#{MapIds.OFF_MAP}').innerText.includes('Also asked, not on the map')", timeout=10000
    )
    screenshot(page, "map-headline-legend")
