"""Signed webhooks (issue 19): who hears of what, how it is signed, sent and retried.

- `events.py` writes a delivery row for every endpoint that listens to an event, in the same
  transaction as the change (post_save signals: a loose side effect, never a rule), and asks for
  it to be sent once that transaction commits;
- `sending.py` signs and sends one attempt, logs it, and schedules the next with exponential
  backoff for 24 hours; an endpoint that keeps failing is paused and its owner notified;
- `tasks.py` runs the sending on Django's Tasks (a worker), and `deliver_due` re-sends whatever
  a dead worker left pending (at-least-once; receivers de-duplicate by the delivery id).
"""
