"""Telegram handlers, one module per audience; each parses an update, calls a use case and
renders the answer. Rules live in `dispatch/`, texts in `handlers/locales/`."""
