import secrets

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from awareness.cache import RedisCache
from bench.servers import answers

pytestmark = pytest.mark.skipif(
    not answers("127.0.0.1", 6379), reason="needs Redis on 127.0.0.1:6379"
)


@pytest.fixture
def redis_cache():
    prefix = f"test-{secrets.token_hex(4)}"
    cache = RedisCache("redis://127.0.0.1:6379/6", {"KEY_PREFIX": prefix})
    yield cache
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_one_client_serves_every_operation(redis_cache):
    first = redis_cache._cache.get_client("a", write=True)
    assert redis_cache._cache.get_client("b") is first
    # Django's own makes a new one each time, which is what this avoids.
    django_cache = DjangoRedisCache("redis://127.0.0.1:6379/6", {})
    assert django_cache._cache.get_client() is not django_cache._cache.get_client()


def test_behaves_as_djangos_redis_cache(redis_cache):
    redis_cache.set("page", ("generation", b"<html>"), timeout=60)
    assert redis_cache.get("page") == ("generation", b"<html>")
    assert redis_cache.get_many(["page", "missing"]) == {
        "page": ("generation", b"<html>")
    }
    assert redis_cache.add("counter", 1) and redis_cache.incr("counter") == 2
    redis_cache.delete("page")
    assert redis_cache.get("page") is None
