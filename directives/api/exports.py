"""Large exports as background tasks (issue 19).

A report with more than TRACKER_EXPORT_TASK_ROWS assignments (2,000 by default) is not built in
the request: a task builds the same file (directives.leaders.exports) from the same filters, as
the same user, keeps it, and notifies the user with the link; only they may download it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tasks import task

from directives.models import ExportFile, Notification

KINDS = ("xlsx", "csv")


def threshold() -> int:
    return getattr(settings, "TRACKER_EXPORT_TASK_ROWS", 2000)


def queue_if_large(request: HttpRequest, report, kind: str) -> HttpResponse | None:
    """Queue the export when the report is large; the answer to give, or None to build it now."""
    rows = report.assignments().count()
    if rows <= threshold():
        return None
    query = request.GET.urlencode()
    user_id = request.user.pk
    transaction.on_commit(lambda: export_report.enqueue(user_id, query, kind))
    messages.info(
        request,
        _(
            "Báo cáo có %(n)s nhiệm vụ nên được tạo ở chế độ nền; bạn sẽ nhận thông báo kèm "
            "liên kết tải tệp khi xong."
        )
        % {"n": f"{rows:,}".replace(",", ".")},
    )
    return redirect(reverse("notification_list"))


@task()
def export_report(user_id: int, query: str, kind: str) -> str:
    """Build the export as `user` would get it in the request, keep it, and notify them."""
    from django.contrib.auth import get_user_model

    from directives.leaders import exports
    from directives.leaders.reporting import build_report
    from directives.leaders.views import _with_defaults

    user = get_user_model().objects.get(pk=user_id, is_active=True)
    report = build_report(user, _with_defaults(QueryDict(query)), today=None)
    if kind == "csv":
        content = "".join(exports.csv_rows(report)).encode()
    else:
        kind = "xlsx"
        content = exports.build_workbook(report)
    name = exports._filename(report, kind)
    export = ExportFile(user=user, name=name, rows=report.assignments().count())
    export.file.save(name, ContentFile(content), save=False)
    export.save()
    Notification.objects.create(
        recipient=user,
        title=_("Báo cáo đã sẵn sàng: %(name)s") % {"name": name},
        body=_("Tải tệp tại %(url)s") % {"url": reverse("export_download", args=[export.pk])},
        created_at=timezone.now(),
    )
    return str(export.pk)


@require_GET
def export_download(request: HttpRequest, pk) -> FileResponse:
    """A finished export, to the user who asked for it only (404 for anyone else)."""
    export = get_object_or_404(ExportFile, pk=pk, user=request.user)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=export.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
