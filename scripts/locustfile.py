"""Load test: board members and analysts browsing and filtering. `make loadtest` (127.0.0.1 only, 60 s).

Each simulated user does what a browser does for a page: the page itself, then the page-router callback that
renders its layout, then the page's own callbacks. With sign-in on (the default for `make serve-prod`), set
LOADTEST_USER and LOADTEST_PASSWORD to an account (`python -m dashboard users add loadtest --role analyst
--password-stdin`); each user signs in once when it starts.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import AREAS, CALLBACKS, MEASURES, _payload, router_payload  # noqa: E402


class BoardMember(HttpUser):
    """Opens the overview, changes the area, opens a measure, looks at its charts, drills into a cohort."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        user = os.environ.get("LOADTEST_USER")
        if user:
            self.client.post(
                "/login",
                data={"username": user, "password": os.environ.get("LOADTEST_PASSWORD", ""), "next": "/"},
                headers={"Origin": self.host},
                name="sign in",
            )

    def _post(self, payload: dict[str, object], name: str) -> None:
        self.client.post(
            "/_dash-update-component",
            json=payload,
            headers={"Origin": self.host},  # the CSRF check wants the site's own origin
            name=name,
        )

    def _page(self, path: str, query: dict[str, str], name: str) -> None:
        """The page, then the router callback that lays it out, as the browser asks for them."""
        search = "?" + urlencode(query) if query else ""
        self.client.get(path + search, name=f"page: {name}")
        self._post(router_payload(path, search), f"layout: {name}")

    def _callback(self, name: str, view: dict[str, str]) -> None:
        outputs, extra, _, _ = CALLBACKS[name]
        self._post(_payload(outputs, extra, view), f"callback: {name}")

    @task(2)
    def overview(self) -> None:
        area = random.choice(AREAS)
        self._page("/", {"area": area}, "overview")
        self._callback("overview tiles", {"area": area})

    @task(5)
    def measure(self) -> None:
        view = {"measure": random.choice(MEASURES), "area": random.choice(AREAS)}
        self._page(f"/measure/{view['measure']}", {"area": view["area"]}, "measure")
        for name in ("measure trend", "measure SPC", "inequalities", "compare areas", "measure table"):
            self._callback(name, view)

    @task(2)
    def drill(self) -> None:
        view = {"measure": random.choice(MEASURES), "area": random.choice(AREAS), "dimension": "sex"}
        self._page("/drill", {"measure": view["measure"], "area": view["area"], "dimension": "sex"}, "drill-down")
        self._callback("drill-down bars", view)
