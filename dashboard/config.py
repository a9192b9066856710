"""One settings object: every setting has a name, a default and one line of help; each is env-overridable."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'pathways.db'}"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url", "DATABASE_URL", DEFAULT_DATABASE_URL, "SQLAlchemy URL of the store (SQLite file or PostgreSQL)."
    ),
    Setting("redis_url", "REDIS_URL", "", "Redis URL for the shared cache; empty uses an in-process cache."),
    Setting("cache_timeout", "PATHWAYS_CACHE_TIMEOUT", 600, "Seconds a memoised query result is kept."),
    Setting(
        "suppression_threshold", "PATHWAYS_SUPPRESSION_THRESHOLD", 5, "Counts below this are withheld in public views."
    ),
    Setting("confidence", "PATHWAYS_CONFIDENCE", 0.95, "Default confidence level for intervals: 0.95 or 0.998."),
    Setting("default_area", "PATHWAYS_DEFAULT_AREA", "E23000039", "Area shown when the URL names none (pan-Dorset)."),
    Setting("default_comparator", "PATHWAYS_DEFAULT_COMPARATOR", "K04000001", "Comparator when none is chosen."),
    Setting(
        "jobs_dir",
        "PATHWAYS_JOBS_DIR",
        str(DATA_DIR / "cache" / "jobs"),
        "Folder for background export jobs (used when REDIS_URL is empty; with Redis, Celery workers run them).",
    ),
    Setting("host", "PATHWAYS_HOST", "127.0.0.1", "Address the server listens on."),
    Setting("port", "PATHWAYS_PORT", 8050, "Port the server listens on."),
    Setting("debug", "PATHWAYS_DEBUG", False, "Dash debug mode (dev tools, hot reload)."),
    Setting(
        "auth",
        "PATHWAYS_AUTH",
        True,
        "Sign-in required (on). `off` lets anyone in with every role's rights: for a local demo only.",
    ),
    Setting(
        "public",
        "PATHWAYS_PUBLIC",
        False,
        "With sign-in on, let anonymous visitors browse the published measures (small numbers withheld).",
    ),
    Setting(
        "secret_key",
        "PATHWAYS_SECRET_KEY",
        "",
        "Key that signs session cookies; empty makes a random one per process (sessions then end on restart).",
    ),
    Setting("session_minutes", "PATHWAYS_SESSION_MINUTES", 480, "Minutes a sign-in lasts before it must be renewed."),
    Setting("upload_max_mb", "PATHWAYS_UPLOAD_MAX_MB", 20, "Largest return file the upload page accepts, in MB."),
    Setting(
        "secure_cookies",
        "PATHWAYS_SECURE_COOKIES",
        True,
        "Send cookies over HTTPS only. Keep on behind HTTPS; `make run` (plain http on 127.0.0.1) turns it off.",
    ),
    Setting(
        "trusted_origins",
        "PATHWAYS_TRUSTED_ORIGINS",
        "",
        "Extra origins (comma-separated, e.g. https://pathways.example.gov.uk) whose requests may change data, "
        "for a proxy that rewrites the Host header.",
    ),
    Setting(
        "import_max_mb",
        "PATHWAYS_IMPORT_MAX_MB",
        50,
        "Largest import file, in MB, checked before it is read; an XLSX may unpack to 20 times this.",
    ),
)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _coerce(raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the setting's default."""
    if isinstance(default, bool):
        word = raw.strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"{raw!r} is not on or off")
        return word in _TRUE
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = ""
    cache_timeout: int = 600
    suppression_threshold: int = 5
    confidence: float = 0.95
    default_area: str = "E23000039"
    default_comparator: str = "K04000001"
    jobs_dir: str = str(DATA_DIR / "cache" / "jobs")
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    auth: bool = True
    public: bool = False
    secret_key: str = field(default="", repr=False)
    session_minutes: int = 480
    upload_max_mb: int = 20
    secure_cookies: bool = True
    trusted_origins: str = ""
    import_max_mb: int = 50

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by the environment, overridden by keyword arguments."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if env.get(setting.env):
                try:
                    values[setting.name] = _coerce(env[setting.env], setting.default)
                except ValueError as exc:
                    raise ValueError(f"{setting.env}={env[setting.env]!r} is not valid: {setting.help}") from exc
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def trusted_origin_list(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.trusted_origins.split(",") if o.strip())


def describe_settings() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for the README and `--help`."""
    return [(s.env, str(s.default), s.help) for s in SETTINGS]
