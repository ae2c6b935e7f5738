"""Periodic reports (báo cáo định kỳ, issue 18): reporting obligations, submissions, who has not
reported.

- ``periods``: the periods of a frequency and the calendar rules that give each period's data
  cut-off and due date (pure Python, no Django);
- ``slots``: creating each period's submission slots ahead of time (idempotent);
- ``permissions`` and ``actions``: who may see and do what, and every write with its trail;
- ``views``, ``exports``: the pages, the Excel matrix and the compiled Word report;
- ``reminders``: notices before the due date and when late, through the reminder machinery;
- ``intake``: reporting phrases in a directive's text proposed as obligations.
"""
