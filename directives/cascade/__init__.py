"""Sub-assignments (giao tiếp cho cấp dưới, issue 17): a lead unit hands parts of its work down.

- `actions.split_assignment` creates a part for a unit below the lead unit or a named member of
  it, deadline not later than the parent's, with its history and notifications;
- `rollup` gives a parent's page its children's figures in a fixed number of queries;
- `views`/`forms`/`urls`: the split page (/assignments/<id>/split/).
Who may split lives in `directives.permissions` (`can_split`); what each body counts on its
dashboards in `permissions.counted_filter`; the parent-done rule in `directives.actions.transition`.
"""
