"""What every page carries: a CSP that allows this server's scripts only, no inline
script, no asset from elsewhere, no secret in the HTML; /docs from the package."""

from __future__ import annotations

import re

from web_helpers import Site

PAGES = ("/", "/desk", "/me", "/admin", "/docs", "/me?lang=hi")


def test_pages_load_only_their_own_assets_under_a_csp(site: Site) -> None:
    for path in PAGES:
        r = site.call(None, "GET", path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp and ("unsafe-inline" not in csp or path == "/docs")
        html = r.text
        assert not re.search(r"(src|href)=\"(https?:)?//", html), path  # nothing from elsewhere
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (path, tag)
        assert site.admin not in html and site.till not in html
        assert r.headers["x-content-type-options"] == "nosniff"
    docs = site.call(None, "GET", "/docs").text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', docs):
        got = site.call(None, "GET", asset)
        assert got.status_code == 200 and len(got.content) > 0, asset
    bundle = site.call(None, "GET", "/static/swagger-ui/swagger-ui-bundle.js")
    assert len(bundle.content) > 1_000_000  # Swagger UI 5, shipped in the package
    spec = site.call(None, "GET", "/openapi.json").json()
    assert spec["openapi"].startswith("3.1") and "/v1/commit" in spec["paths"]
