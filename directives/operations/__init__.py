"""Running the application safely: which address a request came from (trusted proxies only),
request-size limits enforced before a body is read, metrics for Prometheus and structured logs.

Everything here is switched by environment variables read in tracker/settings.py; README
"Deployment" says which, and SECURITY.md names the tests.
"""
