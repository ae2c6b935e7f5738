"""The JSON API at /api/v1/ (issue 19): read endpoints, progress and workflow writes.

Every endpoint starts from the same `visible_to` scoping and calls the same `directives.actions`
as the pages; `auth.py` signs a bearer token's user in, `errors.py` turns refusals into JSON.
"""
