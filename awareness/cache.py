"""Django's Redis cache backend, with one Redis client per connection pool.

Django's client makes a new `redis.Redis` for every cache operation. Since
redis-py 5 each one builds its table of response callbacks, which takes
longer than the round trip to Redis itself, and every request here makes at
least one cache operation (the session, a cached page). A client holds no
state of its own beyond its pool, so one per pool is safe to share.
"""

from django.core.cache.backends.redis import (
    RedisCache as DjangoRedisCache,
    RedisCacheClient,
)


class ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
