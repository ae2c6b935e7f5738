"""A separate process writing to a SQLite file, for tests/test_concurrency.py.

    python -m tests.security.sqlite_writer seed
    python -m tests.security.sqlite_writer write N GO_FILE   # waits for GO_FILE, then N saves

DATABASE_URL names the file. Prints one line of JSON with what happened.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import OperationalError

    from directives import actions
    from directives.models import Assignment, Directive, Document, Membership, Role, Unit

    if argv[0] == "seed":
        unit = Unit.objects.create(name="Đơn vị ghi đồng thời", kind="department")
        document = Document.objects.create(subject="Văn bản", issue_date="2021-01-04")
        directive = Directive.objects.create(document=document, number="1", title="x", text="x")
        assignment = Assignment.objects.create(directive=directive, lead_unit=unit)
        for name in ("may-a", "may-b"):
            user = get_user_model().objects.create(username=name)
            Membership.objects.create(user=user, unit=unit, role=Role.STAFF)
        print(json.dumps({"assignment": assignment.pk}))
        return 0

    count, go = int(argv[1]), Path(argv[2])
    user = get_user_model().objects.get(username=f"may-{os.environ['WRITER']}")
    assignment = Assignment.objects.get()
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.01)  # both writers start together
    saved, locked = 0, []
    for n in range(count):
        try:
            actions.record_progress(assignment, user=user, note=f"lần {n}", percent=n % 101)
            saved += 1
        except OperationalError as error:
            locked.append(str(error))
    print(json.dumps({"saved": saved, "errors": locked[:3], "error_count": len(locked)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
