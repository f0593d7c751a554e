"""The notification pipeline: compose (digests, reminders, escalations) → outbox → send → deliveries.

* :mod:`compose` turns due ``digest_state`` groups into outbox rows (Alertmanager timers:
  group_wait, group_interval, repeat_interval in working days), holding non-urgent ones in
  quiet hours and on non-working days.
* :mod:`send` claims one outbox row with a conditional UPDATE, applies the shared Redis rate
  limiter and per-user/per-phone caps, sends with the platform idempotency key, records a
  delivery, retries with backoff, pauses rate-limited targets, disables broken ones and tells
  the admins.
* :mod:`sweep` (cron) resets stale claims, composes, and (re-)enqueues everything due, which is
  what makes a flushed Redis or a killed worker harmless.
* :mod:`remind` and :mod:`escalate` (daily cron) write deadline reminders and escalations.
"""
