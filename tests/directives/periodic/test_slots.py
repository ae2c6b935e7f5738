"""Slots created ahead of time, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from directives.models import ReportStatus, ReportSubmission
from directives.periodic import slots


def test_slots_for_every_unit_of_the_kind_and_the_next_period(obligation, tree):
    created = slots.create_slots(dt.date(2020, 12, 1)).created
    keys = set(obligation.submissions.values_list("period_key", "unit__name"))
    districts = {u.name for u in tree["districts"]}
    # Q4/2020 is under way and Q1/2021 opens within the horizon (end of January).
    assert keys == {(k, n) for k in ("2020-Q4", "2021-Q1") for n in districts}
    assert created == 6
    q4 = obligation.submissions.filter(period_key="2020-Q4").first()
    assert (q4.cutoff_date, q4.due_date) == (dt.date(2020, 12, 14), dt.date(2020, 12, 15))


def test_slot_creation_is_idempotent(obligation):
    slots.create_slots(dt.date(2020, 12, 1))
    again = slots.create_slots(dt.date(2020, 12, 1))
    assert again.created == 0
    assert ReportSubmission.objects.count() == 6


def test_a_new_unit_gets_its_slot_on_the_next_run(obligation, tree):
    slots.create_slots(dt.date(2020, 12, 1))
    from tests.factories import UnitFactory

    UnitFactory(name="Huyện ủy mới", kind="party_committee", parent=tree["province"])
    assert slots.create_slots(dt.date(2020, 12, 1)).created == 2


def test_chosen_units_add_to_the_kind(obligation, tree):
    obligation.units.add(tree["outsider"])
    slots.create_slots(dt.date(2020, 11, 1))
    assert obligation.submissions.filter(unit=tree["outsider"]).count() == 1


def test_no_slots_after_the_obligation_ends(obligation):
    obligation.ends_on = dt.date(2020, 12, 31)
    obligation.save()
    slots.create_slots(dt.date(2020, 12, 20))
    assert set(obligation.submissions.values_list("period_key", flat=True)) == {"2020-Q4"}


def test_status_before_the_period_is_not_yet(obligation, tree):
    slots.create_slots(dt.date(2020, 12, 1))
    q1 = obligation.submissions.filter(period_key="2021-Q1").first()
    assert q1.status(dt.date(2020, 12, 1)) == ReportStatus.NOT_YET
    assert q1.status(dt.date(2021, 1, 2)) == ReportStatus.NOT_SUBMITTED


def test_command_runs_and_refuses_a_bad_date(obligation, capsys):
    call_command("create_report_slots", "--today", "2020-12-01")
    assert "ô báo cáo mới: 6" in capsys.readouterr().out
    call_command("create_report_slots", "--today", "2020-12-01")
    assert "ô báo cáo mới: 0" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("create_report_slots", "--today", "31/12/2020")


def test_obligation_clean_refuses_rules_it_cannot_read(obligation):
    obligation.due_rule = "cuối mỗi quý"
    with pytest.raises(ValidationError) as error:
        obligation.full_clean()
    assert "due_rule" in error.value.message_dict
    obligation.due_rule = "ngày 20/12/2020"
    with pytest.raises(ValidationError):
        obligation.full_clean()


def test_hourly_task_makes_the_slots_before_the_reminders(obligation, tree):
    """The scheduled reminders (run_schedule → a worker) make this period's slots first, as the
    cron unit does, so an installation without cron still gets its report reminders."""
    from django.utils import timezone

    from directives.api.tasks import send_reminders

    assert not ReportSubmission.objects.exists()
    send_reminders.call()
    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    assert set(obligation.submissions.values_list("period_key", flat=True)) >= {quarter}
