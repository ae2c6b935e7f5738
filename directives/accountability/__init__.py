"""Accountability flows up (issue 17): requests for explanation, the evaluation at sign-off and
the unit scorecard per period."""
