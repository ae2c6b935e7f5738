"""Deployment settings for several app servers: nothing a request needs is process-local."""

from __future__ import annotations

import pytest

from tests.test_settings import PRODUCTION, ROOT, manage

SHOW = (
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND']); print(s.SESSION_ENGINE); "
    "print(s.DATABASES['default'].get('OPTIONS', {}).get('pool')); "
    "print(s.DATABASES['default']['CONN_MAX_AGE'])"
)


def show(**env: str) -> list[str]:
    result = manage("shell", "-v", "0", "-c", SHOW, env={**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("\n")


def test_production_cache_is_shared_database_table_by_default():
    backend, sessions, *_ = show()
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert sessions == "directives.operations.sessions"  # database sessions (subclass)


def test_redis_url_selects_the_redis_cache():
    backend, *_ = show(REDIS_URL="redis://127.0.0.1:6379/1")
    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_db_pool_switches_on_for_postgresql_only():
    pg = "postgres://postgres@127.0.0.1:5432/unused"
    _, _, pool, max_age = show(DATABASE_URL=pg, DJANGO_DB_POOL="1", DJANGO_CONN_MAX_AGE="60")
    assert "'min_size': 1, 'max_size': 4, 'timeout': 2.0" in pool
    assert max_age == "0"
    _, _, pool, _ = show(DATABASE_URL="sqlite:///unused.sqlite3", DJANGO_DB_POOL="1")
    assert pool == "None"


JIT = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"


def test_postgresql_connections_turn_jit_off_unless_asked_and_keep_the_url_s_options():
    def options(**env: str) -> str:
        result = manage("shell", "-v", "0", "-c", JIT, env={**PRODUCTION, **env})
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    pg = "postgres://postgres@127.0.0.1:5432/unused"
    assert "'options': '-c jit=off'" in options(DATABASE_URL=pg)
    assert "jit" not in options(DATABASE_URL=pg, DJANGO_DB_JIT="1")
    with_own = options(DATABASE_URL=f"{pg}?options=-c%20work_mem%3D8MB")
    assert "'options': '-c work_mem=8MB -c jit=off'" in with_own
    assert "jit" not in options(DATABASE_URL="sqlite:///unused.sqlite3")


PROXIES = (
    "from django.conf import settings as s; print([str(n) for n in s.TRACKER_TRUSTED_PROXIES])"
)


def trusted_proxies(**env: str) -> str:
    result = manage("shell", "-v", "0", "-c", PROXIES, env={**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_behind_proxy_alone_trusts_nginx_on_this_host_only():
    assert trusted_proxies() == "[]"  # no proxy: X-Forwarded-For is never read
    assert trusted_proxies(DJANGO_BEHIND_PROXY="1") == "['127.0.0.1/32', '::1/128']"
    assert (
        trusted_proxies(DJANGO_BEHIND_PROXY="1", DJANGO_TRUSTED_PROXIES="10.0.0.5, 10.0.1.0/24")
        == "['10.0.0.5/32', '10.0.1.0/24']"
    )


def test_shipped_socket_listens_on_this_host_only():
    lines = (ROOT / "deploy" / "theodoi.socket").read_text().splitlines()
    assert [line for line in lines if line.startswith("Listen")] == ["ListenStream=127.0.0.1:8000"]
