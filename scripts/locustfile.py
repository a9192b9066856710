"""Load test: board members and analysts browsing and filtering. `make loadtest` (127.0.0.1 only, 60 s)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import AREAS, CALLBACKS, MEASURES, _payload  # noqa: E402


class BoardMember(HttpUser):
    """Opens the overview, changes the area, opens a measure, looks at its charts."""

    wait_time = between(0.5, 2.0)

    def _callback(self, name: str, view: dict[str, str]) -> None:
        outputs, extra, _, _ = CALLBACKS[name]
        self.client.post(
            "/_dash-update-component",
            json=_payload(outputs, extra, view),
            headers={"Origin": self.host},  # the CSRF check wants the site's own origin
            name=f"callback: {name}",
        )

    @task(2)
    def overview(self) -> None:
        self.client.get("/", name="page: overview")
        self._callback("overview tiles", {"area": random.choice(AREAS)})

    @task(5)
    def measure(self) -> None:
        view = {"measure": random.choice(MEASURES), "area": random.choice(AREAS)}
        self.client.get(f"/measure/{view['measure']}?area={view['area']}", name="page: measure")
        for name in ("measure trend", "measure SPC", "inequalities", "compare areas", "measure table"):
            self._callback(name, view)

    @task(2)
    def drill(self) -> None:
        view = {"measure": random.choice(MEASURES), "area": random.choice(AREAS), "dimension": "sex"}
        self._callback("drill-down bars", view)
