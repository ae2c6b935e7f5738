"""Every number a leader reads, in one place.

- ``reporting``: the report of one document or of a scope — standing groups, rates, per-unit and
  per-directive tables, the lists behind each number (as of any date).
- ``dashboard``: the dashboard's regions built from a report.
- ``charts``: server-drawn SVG charts with their table views.
- ``views``: the dashboard, the list behind a number, sign-off and urging.
- ``exports``: Excel, CSV and the print view with the dashboard's filters.
- ``templatetags``: the ``{% load leader %}`` tag library (registered in settings).
"""
