"""GraphiQL is served from the package: no file from another origin, every file it loads present with cache
headers, the vendored files exactly those whose checksums are committed, and all of them installed with the
package."""
from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from pathlib import Path

from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO, get

STATIC = REPO / "server" / "static"
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*"}


def assets(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)


def test_the_page_loads_nothing_from_another_origin(app: FastAPI) -> None:
    response = get(app, "/graphql", headers=BROWSER)
    assert response.status_code == 200 and "Loading GraphiQL" in response.text
    assert not re.search(r"https?://|//unpkg|//cdn", response.text)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "default-src 'none'" in policy
    linked = [a for a in assets(response.text) if not a.startswith("data:")]
    assert len(linked) == 6  # graphiql css, our css, react, react-dom, graphiql js, our start script
    for path in linked:
        assert path.startswith("/static/")
        served = get(app, path)
        assert served.status_code == 200, path
        assert served.content == (STATIC / path.removeprefix("/static/")).read_bytes()
        expected = "public, max-age=31536000, immutable" if "/vendor/" in path else "no-cache"
        assert served.headers["cache-control"] == expected, path
        assert served.headers["etag"]


def test_a_file_unchanged_is_not_sent_again(app: FastAPI) -> None:
    first = get(app, "/static/graphiql-page.js")
    again = get(app, "/static/graphiql-page.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_nothing_outside_the_static_folder_is_served(app: FastAPI) -> None:
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/vendor/../../auth.py"):
        assert get(app, path).status_code == 404, path


def test_vendored_files_match_the_committed_checksums() -> None:
    listed = {}
    for line in (STATIC / "vendor" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    present = {str(p.relative_to(STATIC / "vendor")) for p in (STATIC / "vendor").rglob("*") if p.is_file()}
    assert present - {"SHA256SUMS"} == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == digest, name
    assert {n.split("/")[0] for n in listed if n.endswith("/LICENSE")} == {"graphiql@3.8.3", "react@18.2.0",
                                                                         "react-dom@18.2.0"}


def test_every_static_file_is_package_data() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["server"]
    for path in STATIC.rglob("*"):
        if path.is_file():
            relative = str(path.relative_to(REPO / "server"))
            assert any(fnmatch.fnmatchcase(relative, p) for p in patterns), relative


def test_page_and_files_stay_open_when_tokens_are_on(ledger_url: str) -> None:
    guarded = create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth.load(environ={"SEMANTIC_API_TOKENS": "t"}))
    page = get(guarded, "/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert all(get(guarded, a).status_code == 200 for a in assets(page.text) if a.startswith("/static/"))


def test_mounted_under_a_prefix_the_links_follow(ledger_url: str) -> None:
    outer = FastAPI()
    outer.mount("/semantic", create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth()))
    page = get(outer, "/semantic/graphql", headers=BROWSER).text
    linked = [a for a in assets(page) if not a.startswith("data:")]
    assert linked and all(a.startswith("/semantic/static/") for a in linked)
    assert 'data-endpoint="/semantic/graphql"' in page
    assert get(outer, linked[0]).status_code == 200
