import pytest

from directives import actions
from directives.models import AppendOnlyError, ProgressUpdate


def test_progress_updates_are_append_only(assignment, staff_user):
    update = actions.record_progress(assignment, user=staff_user, note="Đã họp", percent=30)
    update.note = "sửa lại"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.filter(pk=update.pk).update(note="x")
    assert ProgressUpdate.objects.get(pk=update.pk).note == "Đã họp"


def test_unrelated_staff_cannot_log_progress(assignment, unrelated_user):
    with pytest.raises(actions.PermissionDenied):
        actions.record_progress(assignment, user=unrelated_user, note="x", percent=10)
    assert assignment.updates.count() == 0


def test_coordinating_staff_logs_their_own_part_not_the_assignments(assignment, coordinating_user):
    update = actions.record_progress(
        assignment, user=coordinating_user, note="Phối hợp", percent=40
    )
    assert (update.coordinating, update.unit, update.percent) == (
        True,
        coordinating_user.membership.unit,
        40,
    )
    assignment.refresh_from_db()
    assert (assignment.percent, assignment.last_update_at, assignment.version) == (0, None, 1)
