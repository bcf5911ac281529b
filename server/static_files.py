"""The browser pages' own files, served from the installed package so nothing is fetched from a CDN.

Third-party files live under `static/vendor/<package>@<version>/` (see scripts/vendor-graphiql.sh): the
version is in the URL, so a browser may keep them for a year without asking again. Our own small files may
change with any release, so browsers revalidate them (ETag) on every load. The pages themselves carry a
Content-Security-Policy allowing scripts and connections to this origin only: a page that still pointed at a
CDN would fail loudly instead of silently depending on the network.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static"
VENDOR_CACHE = "public, max-age=31536000, immutable"
OWN_CACHE = "no-cache"
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PAGE_HEADERS = {"Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY,
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


class PackageStatic(StaticFiles):
    """StaticFiles with cache headers: long-lived for versioned vendor files, revalidated for our own."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = VENDOR_CACHE if path.startswith("vendor/") else OWN_CACHE
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def static_files() -> PackageStatic:
    return PackageStatic(directory=STATIC_DIR)


@lru_cache(maxsize=1)
def _graphiql_template() -> str:
    return (STATIC_DIR / "graphiql.html").read_text(encoding="utf-8")


def graphiql_page(root_path: str) -> HTMLResponse:
    """The GraphiQL page, its links under the app's mount point (`root_path`, empty when at the root)."""
    page = (_graphiql_template().replace("{{static}}", root_path + STATIC_PREFIX)
            .replace("{{endpoint}}", root_path + "/graphql").replace("{{catalog}}", root_path + "/catalog"))
    return HTMLResponse(page, headers=PAGE_HEADERS)
