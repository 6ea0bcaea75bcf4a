"""Readable networks in a real browser (#12, item 3): the cluster network has a legend and
the same layout on every load; labels stay at least 12 px."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

POSITIONS = """() => {
  const el = document.querySelector('#cluster-network');
  const cy = el && el._cyreg && el._cyreg.cy;
  return cy ? cy.nodes().map(n => [n.id(), Math.round(n.position('x')), Math.round(n.position('y'))])
            : null;
}"""


def _cluster_positions(page, url):
    page.goto(url + "/clusters")
    page.wait_for_selector("#cluster-legend li")
    page.wait_for_function(f"() => {{ const p = ({POSITIONS})(); return p && p.length > 0; }}")
    return page.evaluate(POSITIONS)


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)])
def test_the_cluster_network_is_named_and_stable(browser, demo_server, size, tmp_path):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        first = _cluster_positions(page, demo_server.url)
        legend = page.inner_text("#cluster-legend")
        assert "short staffing · mandatory overtime" in legend
        assert "bridging" in legend
        page.screenshot(path=f"/tmp/p3-clusters-{size[0]}.png", full_page=True)
        assert _cluster_positions(page, demo_server.url) == first
        page.goto(demo_server.url + "/power")
        page.wait_for_selector("#power-paths table")
        page.wait_for_timeout(800)
        page.screenshot(path=f"/tmp/p3-power-{size[0]}.png", full_page=False)
    finally:
        context.close()
