"""layouts.plain writes components as the same JSON Dash makes of them."""

from __future__ import annotations

from typing import Any

import pytest
from dash import html

from layouts.plain import html_element

CASES = [
    ("Td", "–", {"className": "rug-cell rug-empty"}),
    ("Td", None, {}),
    ("A", "21.8% ✔ Better", {"href": "/measure/REC01?area=E06000059"}),
    ("Th", html_element("A", "Reoffending", href="/measure/REC01"), {"scope": "row"}),
    ("Tr", [html_element("Td", "2024-Q4"), html_element("Td", "x")], {}),
    ("Div", [], {"tabIndex": 0, "title": "a title"}),
]


@pytest.mark.parametrize(("tag", "children", "props"), CASES)
def test_html_element_is_the_components_json(tag: str, children: Any, props: dict[str, Any]):
    component = getattr(html, tag)(children, **props)
    assert html_element(tag, children, **props) == component.to_plotly_json()
