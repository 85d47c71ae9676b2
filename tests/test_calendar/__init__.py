"""Tests of the calendar core (schedules.calendar, schedules.windows, calendar_cli)."""
