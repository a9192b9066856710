"""Pathways web app: create_app(settings) -> Dash. Wiring only; `server` is the WSGI app for gunicorn."""

from __future__ import annotations

import argparse
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Dash, DiskcacheManager, dcc, html
from flask_caching import Cache

import callbacks
from callbacks import auth, request_guard
from dashboard import access, queries, store, web_faults, web_security
from dashboard.config import ROOT, Settings
from dashboard.service import Services
from layouts import audit_page, data, drill, ids, measure, overview, present, snapshot, theme, upload
from layouts.common import EXTENSION, current_role, current_username, role_reader, services
from layouts.export import export_bar

BOOTSTRAP = "/assets/vendor/bootstrap/bootstrap.min.css"


def _cache_config(settings: Settings) -> dict[str, Any]:
    if settings.redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.redis_url,
            "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout, "CACHE_THRESHOLD": 2000}


def _background_manager(settings: Settings) -> Any:
    """Where long exports run: Celery workers through Redis when REDIS_URL is set, else local processes."""
    if settings.redis_url:
        from celery import Celery
        from dash import CeleryManager

        celery_app = Celery("pathways", broker=settings.redis_url, backend=settings.redis_url)
        return CeleryManager(celery_app)
    import diskcache

    return DiskcacheManager(diskcache.Cache(settings.jobs_dir))


def _register_pages() -> None:
    dash.register_page("overview", path="/", title="Overview · Pathways", name="Overview", layout=overview.layout)
    dash.register_page(
        "theme",
        path_template="/theme/<slug>",
        title=lambda slug=None, **_: f"{services().known().themes.get(slug or '', 'Theme')} · Pathways",
        name="Theme",
        layout=theme.layout,
    )
    dash.register_page(
        "measure",
        path_template="/measure/<code>",
        title=lambda code=None, **_: f"{services().known().measures.get((code or '').upper(), 'Measure')} · Pathways",
        name="Measure",
        layout=measure.layout,
    )
    dash.register_page(
        "drill", path="/drill", title="Cohort drill-down · Pathways", name="Drill-down", layout=drill.layout
    )
    dash.register_page("data", path="/data", title="Data · Pathways", name="Data", layout=data.layout)
    dash.register_page(
        "present", path="/present", title="Presentation · Pathways", name="Present", layout=present.layout
    )
    dash.register_page(
        "snapshot",
        path_template="/snapshot/<snapshot_id>",
        title="Snapshot · Pathways",
        name="Snapshot",
        layout=snapshot.layout,
    )
    dash.register_page(
        "snapshots", path="/snapshots", title="Snapshots · Pathways", name="Snapshots", layout=snapshot.listing_layout
    )
    dash.register_page(
        "upload", path="/upload", title="Upload a return · Pathways", name="Upload", layout=upload.layout
    )
    dash.register_page("audit", path="/audit", title="Audit log · Pathways", name="Audit", layout=audit_page.layout)


def _admin_links() -> list[Any]:
    if not access.is_admin(current_role()):
        return []
    return [dbc.NavItem(dbc.NavLink("Upload", href="/upload")), dbc.NavItem(dbc.NavLink("Audit log", href="/audit"))]


def _full_page_link(text: str, href: str, link_id: str) -> dbc.Nav:
    """A navbar link that leaves the Dash app (sign-in and sign-out are plain server pages)."""
    return dbc.Nav(dbc.NavItem(html.A(text, href=href, id=link_id, className="nav-link")), navbar=True)


def _who() -> html.Div:
    """Who is signed in, and the way out (or in)."""
    if not services().settings.auth:
        return html.Div("Sign-in off (local demo)", id=ids.NAV_USER, className="nav-user navbar-text ms-auto")
    name = current_username()
    children: list[Any] = [_full_page_link("Sign in", "/login", ids.NAV_SIGN_IN)]
    if name:
        children = [
            html.Span(f"Signed in as {name} ({current_role()})", className="navbar-text me-3"),
            _full_page_link("Sign out", "/logout", ids.NAV_SIGN_OUT),
        ]
    return html.Div(children, id=ids.NAV_USER, className="nav-user d-flex align-items-center ms-auto")


def _navbar() -> html.Header:
    known = services().known()
    themes = [dbc.DropdownMenuItem(name, href=f"/theme/{slug}") for slug, name in known.themes.items()]
    return html.Header(
        dbc.Navbar(
            dbc.Container(
                [
                    dbc.NavbarBrand("Pathways", href="/", className="brand"),
                    dbc.Nav(
                        [
                            dbc.NavItem(dbc.NavLink("Overview", href="/")),
                            dbc.DropdownMenu(themes, label="Themes", nav=True, in_navbar=True),
                            dbc.NavItem(dbc.NavLink("Drill-down", href="/drill")),
                            dbc.NavItem(dbc.NavLink("Data", href="/data")),
                            dbc.NavItem(dbc.NavLink("Present", href="/present")),
                            dbc.NavItem(dbc.NavLink("Snapshots", href="/snapshots")),
                            *_admin_links(),
                        ],
                        navbar=True,
                        id=ids.NAV,
                    ),
                    _who(),
                ],
                fluid=True,
            ),
            color="dark",
            dark=True,
            className="site-nav",
        )
    )


def _banner() -> html.Div:
    info = services().cached(queries.data_info)
    as_at = (info.get("data_as_at") or "")[:10]
    children: list[Any] = []
    if info.get("demo"):
        children.append(
            html.Div(
                [
                    html.Strong("Demo data. "),
                    "These figures are synthetic, made for demonstration; they are not partners' returns.",
                ],
                className="demo-banner",
                role="note",
            )
        )
    children.append(
        html.Div(f"Data as at {as_at}" if as_at else "No data loaded yet", id=ids.DATA_AS_AT, className="data-as-at")
    )
    return html.Div(children, id=ids.BANNER)


def serve_layout() -> html.Div:
    return html.Div(
        [
            html.A("Skip to main content", href="#main", className="skip-link"),
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            _navbar(),
            dbc.Container(
                [_banner(), export_bar(), html.Main(dash.page_container, id="main", tabIndex=-1)],
                fluid=True,
                className="page",
            ),
            html.Footer(
                dbc.Container(
                    "Pathways — reducing reoffending performance, pan-Dorset. Figures marked provisional may change.",
                    fluid=True,
                ),
                className="site-footer",
            ),
        ]
    )


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        assets_ignore=r"vendor/.*",
        external_stylesheets=[BOOTSTRAP],
        title="Pathways",
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title=None,
        background_callback_manager=_background_manager(settings),
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">')
    engine = store.make_engine(settings.database_url)
    cache = Cache(app.server, config=_cache_config(settings))
    app.server.extensions[EXTENSION] = svc = Services(
        engine=engine, settings=settings, cache=cache, current_role=role_reader(settings)
    )
    auth.install(app, settings)
    app.server.config["MAX_CONTENT_LENGTH"] = upload.request_limit(settings)
    _register_pages()
    app.layout = serve_layout
    callbacks.register_all(app)
    _harden(app, settings, svc)
    return app


def _harden(app: Dash, settings: Settings, svc: Services) -> None:
    """Security headers, CSP, cookie flags, CSRF by origin (docs/SECURITY.md); a 503 page when the store is down."""
    web_security.install(
        app.server,
        script_hashes=app.csp_hashes,
        secure_cookies=settings.secure_cookies,
        trusted_origins=settings.trusted_origin_list,
        allow_eval=settings.debug,  # Dash's dev tools (debug mode only) evaluate code
    )
    web_faults.install(app.server, probe=svc.data_version)
    request_guard.install(app)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Pathways dashboard.")
    settings = Settings.from_env()
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args()
    app = create_app(settings)
    print(f"Pathways is serving on http://{args.host}:{args.port}")
    if not settings.auth:
        print(
            "Sign-in is OFF (PATHWAYS_AUTH=off): anyone who can reach this address has every role's rights. "
            "For a local demo only.\nTo turn sign-in on: add a user with "
            "`python -m dashboard users add NAME --role admin`, then serve with PATHWAYS_AUTH=on."
        )
    app.run(host=args.host, port=args.port, debug=settings.debug)


def __getattr__(name: str) -> Any:
    """`app:server` for gunicorn, built on first use so importing this module stays cheap."""
    if name == "server":
        return create_app().server
    if name == "celery_app":  # `celery -A app.celery_app worker` runs the export jobs when REDIS_URL is set
        manager = create_app()._background_manager
        return getattr(manager, "handle", None)
    raise AttributeError(name)


if __name__ == "__main__":
    main()
