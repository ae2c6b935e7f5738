"""The application served over real HTTP (production settings), for the outage test.

    python -m tests.security.outage_server PORT

A plain WSGI server from the standard library: it fires Django's request signals like any
production server, so connection handling is what production gets. Creates the user
`truc-ban` first. Stops when its standard input closes.
"""

from __future__ import annotations

import os
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

USERNAME = "truc-ban"
PASSWORD = "mat-khau-thu-su-co-123"  # noqa: S105


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def main(port: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    connections.close_all()
    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our input
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
