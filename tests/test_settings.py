"""Settings: environment over TOML, durations, and one clear line per bad setting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import intake_rules
from bot.settings import SettingsError, load_settings, normalize_database_url, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [
    ("90s", 90), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("2d", 172800), ("500ms", 0.5),
    (45, 45), ("3 s", 3),
])
def test_durations(text, seconds) -> None:
    assert parse_duration(text, "x") == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10", "ten minutes", "5x", "1h-3m", True, -1, "m10"])
def test_bad_durations_name_the_setting(text) -> None:
    with pytest.raises(SettingsError, match=r"^\[sla\] ack: "):
        parse_duration(text, "[sla] ack")


def test_defaults_without_anything() -> None:
    settings = load_settings({})
    assert settings.bot_token is None
    assert settings.database_url == "sqlite+aiosqlite:///lantian.db"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.webhook_url is None
    with pytest.raises(SettingsError, match="LANTIAN_BOT_TOKEN"):
        settings.require_token()


def test_toml_backs_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "lantian.toml"
    config.write_text(
        '[bot]\ntoken = "111:fromfile"\ntelegram_api_url = "http://127.0.0.1:9/"\n'
        '[database]\nurl = "postgresql://u@h/db"\n[intake]\ndraft_ttl = "30m"\n',
        encoding="utf-8")
    settings = load_settings({"LANTIAN_CONFIG": str(config), "LANTIAN_BOT_TOKEN": "222:fromenv"})
    assert settings.bot_token == "222:fromenv"
    assert settings.telegram_api_url == "http://127.0.0.1:9"
    assert settings.api_base_url == "http://127.0.0.1:9/bot"
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert intake_rules(settings).draft_ttl == timedelta(minutes=30)


@pytest.mark.parametrize(("env", "needle"), [
    ({"LANTIAN_BOT_TOKEN": "nonsense"}, "LANTIAN_BOT_TOKEN"),
    ({"LANTIAN_TELEGRAM_API_URL": "ftp://x"}, "LANTIAN_TELEGRAM_API_URL"),
    ({"LANTIAN_DATABASE_URL": "mysql://x/y"}, "LANTIAN_DATABASE_URL"),
    ({"LANTIAN_WEBHOOK_URL": "telegram.example"}, "LANTIAN_WEBHOOK_URL"),
    ({"LANTIAN_WEBHOOK_LISTEN": "0.0.0.0"}, "LANTIAN_WEBHOOK_LISTEN"),
    ({"LANTIAN_WEBHOOK_SECRET": "has spaces"}, "LANTIAN_WEBHOOK_SECRET"),
    ({"LANTIAN_CONFIG": "/nonexistent/lantian.toml"}, "LANTIAN_CONFIG: file not found"),
])
def test_bad_settings_are_named(env, needle) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    assert str(caught.value).startswith(needle)
    assert "\n" not in str(caught.value)


def test_bad_toml_and_unknown_sections(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[sla\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings({"LANTIAN_CONFIG": str(broken)})
    typo = tmp_path / "typo.toml"
    typo.write_text("[slaa]\nack = '10m'\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"unknown section \[slaa\]"):
        load_settings({"LANTIAN_CONFIG": str(typo)})
    unknown_key = tmp_path / "key.toml"
    unknown_key.write_text("[intake]\ndraft_tll = '1h'\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\[intake\] draft_tll: unknown setting"):
        intake_rules(load_settings({"LANTIAN_CONFIG": str(unknown_key)}))


def test_database_urls_map_to_async_drivers() -> None:
    assert normalize_database_url("sqlite:///a.db") == "sqlite+aiosqlite:///a.db"
    assert normalize_database_url("postgres://u@h/d") == "postgresql+asyncpg://u@h/d"
    assert normalize_database_url("postgresql+asyncpg://u@h/d") == "postgresql+asyncpg://u@h/d"


def test_the_example_configuration_is_valid() -> None:
    from pathlib import Path

    from bot.config import dedup_rules, routing_gap_m, sla_rules, window_rules, work_calendar
    from schedules.bulletins import officials_config
    from schedules.reminders_config import reminder_config

    example = Path(__file__).resolve().parents[1] / "examples" / "lantian.toml"
    settings = load_settings({"LANTIAN_CONFIG": str(example)})
    calendar = work_calendar(settings)
    assert sla_rules(settings, calendar).ack == timedelta(minutes=10)
    assert dedup_rules(settings)["dust"].window == timedelta(hours=72)
    assert routing_gap_m(settings) == 300
    rules = window_rules(settings)
    assert intake_rules(settings).max_photos == 5
    assert reminder_config(settings, {rule.key for rule in rules})
    assert officials_config(settings).bulletin_day == 27
