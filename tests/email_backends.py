"""E-mail backends for tests: a server that refuses some addresses, and one that is down."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class RefusesBrokenAddresses(EmailBackend):
    """Like locmem, but refuses any message to an address containing "hong" (broken)."""

    def send_messages(self, messages):
        for message in messages:
            refused = [a for a in message.recipients() if "hong" in a]
            if refused:
                raise smtplib.SMTPRecipientsRefused({a: (550, b"No such user") for a in refused})
        return super().send_messages(messages)


class Unreachable(EmailBackend):
    """A server that cannot be reached at all."""

    def open(self):
        raise ConnectionRefusedError("Connection refused")

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused")
