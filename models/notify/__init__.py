"""Notifications as data: targets (bindings), the outbox, deliveries, digest marks, personal
preferences, and the queries that decide who is reminded or escalated to. ``tasks.notify``
orchestrates and sends through ``bot``; every statement it runs lives here."""
