"""Views, split by audience."""
