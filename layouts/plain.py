"""HTML components written straight as the JSON Dash sends to the browser, for tables of hundreds of cells.

Constructing `html.Td(html.A(...))` costs far more than the dict it turns into (each component checks its
arguments); Dash renders the dict exactly as it renders the component, and cached callbacks return it anyway."""

from __future__ import annotations

from typing import Any

HTML_NAMESPACE = "dash_html_components"


def html_element(tag: str, children: Any = None, **props: Any) -> dict[str, Any]:
    """`html.<tag>(children, **props)` as its JSON, e.g. `html_element("Td", "–", className="rug-cell")`."""
    return {"props": {"children": children, **props}, "type": tag, "namespace": HTML_NAMESPACE}
