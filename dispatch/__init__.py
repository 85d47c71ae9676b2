"""Domain core: cases, routing, duty, SLA clock, escalation, dedup. Nothing here imports telegram.
"""
