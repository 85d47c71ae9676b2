"""Lantian runtime: settings, CLI, Telegram application."""
