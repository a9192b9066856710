"""README screenshots from the running app: `make screenshots` writes docs/screenshots/*.png.

Starts the app on a free port against a fresh demo store (or DATABASE_URL when set), shoots each view in headless
Chromium, then stops the server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from screenshot import driver, settle

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SHOTS = [  # file, path, width × height
    ("overview.png", "/", (1440, 1100)),
    ("drill-down.png", "/drill?measure=REC01&dimension=sex&cohort=sex%3Dfemale", (1440, 1500)),
    ("presentation.png", "/present?theme=reconvictions", (1920, 1080)),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer on {url} within {timeout:.0f} s")


def shoot(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, path, (width, height) in SHOTS:
        browser = driver(width, height)
        try:
            browser.get(base + path)
            settle(browser)
            browser.save_screenshot(str(OUT / name))
            print(f"wrote {(OUT / name).relative_to(ROOT)} ({width}×{height})")
        finally:
            browser.quit()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/screenshots.db",
            "PATHWAYS_AUTH": "off",  # pictures of the dashboard, not of the sign-in page
        }
        if "DATABASE_URL" not in os.environ:
            subprocess.run([sys.executable, "-m", "dashboard", "init", "--demo"], cwd=ROOT, env=env, check=True)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/", server)
            shoot(base)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
