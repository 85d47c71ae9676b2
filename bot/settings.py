"""Settings: environment variables, optionally backed by a TOML file named by LANTIAN_CONFIG.

Environment variables win over the file. Every problem raises `SettingsError` whose message is
one line naming the setting, so the CLI can print it instead of a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///lantian.db"
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{3,}$")
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}

# Sections later capabilities read; listed so a typo in a section name is caught at start-up.
KNOWN_SECTIONS = {
    "bot", "database", "webhook", "media", "intake", "sla", "escalation", "dedup", "routing",
    "windows", "reminders", "calendar", "officials",
}


class SettingsError(ValueError):
    """A bad or missing setting; the message is one line that names it."""


def parse_duration(value: Any, name: str) -> timedelta:
    """Parse `90s`, `10m`, `1h`, `1h30m`, `2d`, `500ms` (or a number of seconds) into a timedelta."""
    if isinstance(value, bool):
        raise SettingsError(f"{name}: expected a duration like 90s, 10m or 1h, got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise SettingsError(f"{name}: a duration cannot be negative ({value})")
        return timedelta(seconds=value)
    text = str(value).strip().lower().replace(" ", "")
    pos, total = 0, 0.0
    for match in _DURATION_RE.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if not text or pos != len(text):
        raise SettingsError(f"{name}: expected a duration like 90s, 10m or 1h, got {value!r}")
    return timedelta(seconds=total)


def normalize_database_url(url: str) -> str:
    """Map plain `sqlite:///` and `postgresql://` URLs to their async drivers."""
    url = url.strip()
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:"):]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    if url.startswith(("sqlite+aiosqlite:", "postgresql+asyncpg:")):
        return url
    raise SettingsError(
        "LANTIAN_DATABASE_URL: unsupported database URL "
        f"{url.split(':', 1)[0]!r} (use sqlite:///FILE or postgresql+asyncpg://USER@HOST/DB)"
    )


@dataclass(frozen=True)
class Settings:
    """Everything the runtime needs, resolved and checked."""

    bot_token: str | None
    telegram_api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_secret: str | None = None
    media_dir: Path = Path("media")
    # PTB's AIORateLimiter keeps the bot within Telegram's flood limits; only benchmarks that
    # measure the bot's own capacity against the emulator turn it off.
    rate_limit: bool = True
    # Salt of residents' pseudonyms (anonymous ids officials see): secret, stable.
    pseudonym_salt: str | None = None
    config_path: Path | None = None
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        """One TOML section (empty when absent)."""
        return self.sections.get(name, {})

    def require_token(self) -> str:
        """The bot token, or a SettingsError naming LANTIAN_BOT_TOKEN."""
        if not self.bot_token:
            raise SettingsError("LANTIAN_BOT_TOKEN: not set (the token @BotFather gave you)")
        return self.bot_token

    def salt(self) -> str:
        """The pseudonym salt: the configured one, or one derived from the whole token (a
        secret; the bot's id alone is public and would let anyone reverse the ids)."""
        if self.pseudonym_salt:
            return self.pseudonym_salt
        return hashlib.sha256(f"lantian-pseudonym:{self.bot_token or ''}".encode()).hexdigest()

    @property
    def api_base_url(self) -> str:
        """Bot API base URL in python-telegram-bot's form (token appended by PTB)."""
        return f"{self.telegram_api_url}/bot"

    @property
    def api_file_url(self) -> str:
        """Bot API file download base URL in python-telegram-bot's form."""
        return f"{self.telegram_api_url}/file/bot"


def _load_toml(path_text: str) -> dict[str, Any]:
    path = Path(path_text)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"LANTIAN_CONFIG: file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"LANTIAN_CONFIG: {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"LANTIAN_CONFIG: cannot read {path}: {exc.strerror}") from None
    unknown = sorted(set(data) - KNOWN_SECTIONS)
    if unknown:
        raise SettingsError(
            f"LANTIAN_CONFIG: unknown section [{unknown[0]}] in {path} "
            f"(known: {', '.join(sorted(KNOWN_SECTIONS))})"
        )
    for name, value in data.items():
        if not isinstance(value, dict):
            raise SettingsError(f"LANTIAN_CONFIG: [{name}] must be a table in {path}")
    return data


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from `env` (default: os.environ) and the optional TOML file."""
    env = os.environ if env is None else env
    config_path = env.get("LANTIAN_CONFIG") or None
    sections = _load_toml(config_path) if config_path else {}

    def pick(var: str, section: str, key: str, default: Any = None) -> Any:
        if env.get(var):
            return env[var]
        return sections.get(section, {}).get(key, default)

    token = pick("LANTIAN_BOT_TOKEN", "bot", "token")
    if token is not None and not _TOKEN_RE.match(str(token).strip()):
        raise SettingsError("LANTIAN_BOT_TOKEN: does not look like a bot token (123456:ABC…)")
    api_url = str(pick("LANTIAN_TELEGRAM_API_URL", "bot", "telegram_api_url", DEFAULT_API_URL))
    if not re.match(r"^https?://[^\s/]+", api_url):
        raise SettingsError(f"LANTIAN_TELEGRAM_API_URL: expected an http(s) URL, got {api_url!r}")
    database_url = normalize_database_url(
        str(pick("LANTIAN_DATABASE_URL", "database", "url", DEFAULT_DATABASE_URL))
    )
    webhook_url = pick("LANTIAN_WEBHOOK_URL", "webhook", "url")
    if webhook_url and not str(webhook_url).startswith("https://") and not str(
        webhook_url
    ).startswith("http://"):
        raise SettingsError(f"LANTIAN_WEBHOOK_URL: expected an https URL, got {webhook_url!r}")
    listen = str(pick("LANTIAN_WEBHOOK_LISTEN", "webhook", "listen", "0.0.0.0:8080"))
    host, _, port_text = listen.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"LANTIAN_WEBHOOK_LISTEN: expected HOST:PORT, got {listen!r}")
    secret = pick("LANTIAN_WEBHOOK_SECRET", "webhook", "secret")
    if secret is not None and not re.match(r"^[A-Za-z0-9_-]{1,256}$", str(secret)):
        raise SettingsError("LANTIAN_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
    media_dir = Path(str(pick("LANTIAN_MEDIA_DIR", "media", "dir", "media")))
    salt = pick("LANTIAN_PSEUDONYM_SALT", "bot", "pseudonym_salt")
    rate_limit = pick("LANTIAN_RATE_LIMIT", "bot", "rate_limit", True)
    if isinstance(rate_limit, str):
        if rate_limit.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise SettingsError(f"LANTIAN_RATE_LIMIT: expected true or false, got {rate_limit!r}")
        rate_limit = rate_limit.lower() in ("1", "true", "yes", "on")
    return Settings(
        bot_token=str(token).strip() if token else None,
        telegram_api_url=api_url.rstrip("/"),
        database_url=database_url,
        webhook_url=str(webhook_url) if webhook_url else None,
        webhook_listen=host,
        webhook_port=int(port_text),
        webhook_secret=str(secret) if secret else None,
        media_dir=media_dir,
        rate_limit=bool(rate_limit),
        pseudonym_salt=str(salt) if salt else None,
        config_path=Path(config_path) if config_path else None,
        sections=sections,
    )
