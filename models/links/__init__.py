"""Action links: the signed, short-lived buttons on chat cards, and the ledger that makes each act once.

A card button is a URL ``/a/<token>``; the token is a JWT (python-jose, HS256 with a key derived
from the secret key) that names who it is for (one account, or a group target whose scope binds
it), the action, the object, an expiry and a ``jti``. Opening it (GET) never changes anything; the
confirm page's POST claims the ``jti`` in ``link_use`` in the same transaction as the action, so
a replay, a double tap or two tabs act once. Refusals (tampered, expired, replayed, wrong person,
out of scope) are audited by the caller.
"""
