"""The /docs page with Swagger UI served from an installed package, not from a CDN.

FastAPI's own /docs and /redoc pages load their scripts from a third-party host, which then
runs code on a page of ours; the swagger-ui-bundle-v2 wheel ships the same files.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS_PATH = "/docs-assets"


def add_api_docs(app: FastAPI, title: str) -> None:
    """Serve /docs (Swagger UI of /openapi.json) with its scripts and styles from this service."""
    app.mount(ASSETS_PATH, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    async def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - HTTP API",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon-32x32.png",
            # No badge from the public validator: it would send our schema's address there.
            swagger_ui_parameters={"validatorUrl": None},
        )

    app.add_api_route("/docs", docs, include_in_schema=False, response_class=HTMLResponse)
