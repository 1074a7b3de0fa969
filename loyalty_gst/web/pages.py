"""The HTML pages (Jinja2, server-rendered): `/` sign-in, `/desk` billing desk, `/me` the
member's page, `/admin` the owner's dashboard, `/docs` Swagger UI from the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from loyalty_gst.privacy import consent
from loyalty_gst.web import auth, i18n, views

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, **context: Any) -> Response:
    lang = i18n.lang_of(request)
    reply = templates.TemplateResponse(
        request,
        name,
        {"t": i18n.TEXT[lang], "kinds": i18n.KINDS[lang], "lang": lang, **context},
    )
    if request.query_params.get("lang") in i18n.LANGS:
        reply.set_cookie("lgst_lang", lang, samesite="strict", max_age=365 * 86400)
    reply.headers["Cache-Control"] = "no-store"
    return reply


@router.get("/", response_class=HTMLResponse)
def sign_in(request: Request) -> Response:
    return render(request, "signin.html", page="signin")


@router.get("/desk", response_class=HTMLResponse)
def desk(request: Request) -> Response:
    lang = i18n.lang_of(request)
    version = consent.CURRENT_WORDING
    return render(
        request, "desk.html", page="desk", wording=consent.WORDING[version][lang], version=version
    )


@router.get("/admin", response_class=HTMLResponse)
def dashboard(request: Request) -> Response:
    return render(request, "admin.html", page="admin")


@router.get("/me", response_class=HTMLResponse)
def member_page(request: Request) -> Response:
    a = auth.member_or_none(request)
    if a is None:
        return render(request, "member_signin.html", page="me")
    lang = i18n.lang_of(request)
    view = views.member_view(auth.store_of(request), request.app.state.services.book, a, lang)
    return render(request, "member.html", page="me", m=view)


@router.get("/docs", response_class=HTMLResponse)
def docs() -> Response:
    return HTMLResponse(
        """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loyalty-gst API</title>
<link rel="icon" href="/static/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>"""
    )
