"""The filter bar writes every change to the URL; the page then re-renders from it (so back/forward work)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.common import plain_query, search_string
from layouts import ids
from layouts.common import services
from layouts.components import FILTER


def query_from_filters(
    names: list[str], values: list[Any], current: dict[str, Any] | None, defaults: dict[str, str]
) -> dict[str, str]:
    """Merge the filter controls into the page's current query, dropping values equal to the defaults."""
    query = plain_query(current)
    for name, value in zip(names, values, strict=True):
        if value in (None, "") or defaults.get(name) == value:
            query.pop(name, None)
        else:
            query[name] = str(value)
    dimension, cohort = query.get("dimension"), query.get("cohort", "")
    if dimension and cohort and not cohort.startswith(dimension + "="):
        query.pop("cohort")  # a drilled cohort belongs to the dimension it was picked from
    return query


PATH_KEYS = {"measure": ("measure",), "theme": ("theme",)}  # state carried by the path, not the query


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.URL, "search"),
        Input({"type": FILTER, "name": ALL}, "value"),
        State(ids.VIEW, "data"),
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    def filters_to_url(
        values: list[Any], view_data: dict[str, Any] | None, search: str | None, pathname: str | None
    ) -> Any:
        names = [item["id"]["name"] for item in ctx.inputs_list[0]]
        defaults = services().defaults().to_query()
        query = query_from_filters(names, values, view_data, defaults)
        page = pathname if isinstance(pathname, str) else "/"
        path_keys = PATH_KEYS.get(page.strip("/").split("/")[0], ())
        for key in path_keys:
            query.pop(key, None)
        rendered = {k: v for k, v in plain_query(view_data).items() if k not in path_keys}
        if query == rendered:  # components were (re)rendered, nothing was chosen: leave the URL as it is
            return no_update
        new = search_string(query)
        return no_update if new == (search if isinstance(search, str) else "") else new
