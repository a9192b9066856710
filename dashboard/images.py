"""Charts to PNG with kaleido, through the system Chromium, in one browser session for a whole batch."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Sequence
from typing import Any

Progress = Callable[[int, int], None]
WIDTH, HEIGHT, SCALE = 760, 440, 2  # half an A4-landscape page wide, text still legible
TABS = 2  # two tabs in the one browser: about a fifth faster on two cores


class ImageError(RuntimeError):
    """Charts could not be drawn (no Chromium, or it failed)."""


def _browser() -> None:
    """Point kaleido at the system Chromium (Debian's package) unless BROWSER_PATH says otherwise."""
    if not os.environ.get("BROWSER_PATH"):
        found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if found:
            os.environ["BROWSER_PATH"] = found


def _options(figure: dict[str, Any], width: int, scale: float) -> dict[str, Any]:
    height = (figure.get("layout") or {}).get("height") or HEIGHT
    return {"format": "png", "width": width, "height": int(height), "scale": scale}


def _batch_session(kaleido: Any, tabs: int) -> Any:
    """A kaleido session whose tabs are not reloaded between figures.

    kaleido reloads a tab (plotly.js and all) after every figure; that was two thirds of the time per chart
    (a 76-chart board pack: 18.7 s of drawing, 8 s without). A batch of our own figures needs no fresh page
    between them: tests/test_images.py checks that a batch draws each figure exactly as it draws alone. Should
    a kaleido release drop the hook this relies on, the stock session is used."""
    if not hasattr(kaleido.Kaleido, "_return_kaleido_tab"):
        return kaleido.Kaleido(n=tabs, mathjax=False)

    class BatchKaleido(kaleido.Kaleido):  # type: ignore[misc, name-defined]
        async def _return_kaleido_tab(self, tab: Any) -> None:
            await self.tabs_ready.put(tab)

    return BatchKaleido(n=tabs, mathjax=False)


def render_pngs(
    figures: Sequence[dict[str, Any]],
    *,
    width: int = WIDTH,
    scale: float = SCALE,
    progress: Progress | None = None,
) -> list[bytes]:
    """Each figure (plotly JSON) as PNG bytes, drawn in one Chromium session; `progress(done, total)` after each."""
    if not figures:
        return []
    _browser()
    import kaleido

    async def draw() -> list[bytes]:
        done = 0
        async with _batch_session(kaleido, TABS) as session:
            turns = asyncio.Semaphore(TABS)

            async def one(figure: dict[str, Any]) -> bytes:
                nonlocal done
                async with turns:
                    png = await session.calc_fig(figure, opts=_options(figure, width, scale))
                done += 1
                if progress:
                    progress(done, len(figures))
                return png

            return list(await asyncio.gather(*(one(f) for f in figures)))

    try:
        return asyncio.run(draw())
    except Exception as exc:  # kaleido raises many kinds; the caller needs one clear message
        raise ImageError(f"charts could not be drawn with Chromium ({type(exc).__name__}: {exc})") from exc
