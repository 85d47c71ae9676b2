"""Reminders, public-notice subscriptions and patrol check-ins (issue 6)."""
