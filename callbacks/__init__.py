"""Thin callback wiring, one module per page. register_all attaches them to an app."""

from __future__ import annotations

from dash import Dash

from callbacks import data, drill, export, measure, notes, overview, shell, theme, upload


def register_all(app: Dash) -> None:
    for module in (shell, overview, theme, measure, notes, drill, data, upload, export):
        module.register(app)
