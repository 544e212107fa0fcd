"""Fresh databases and gunicorn servers on 127.0.0.1, for the benchmark, the
load test and the scale-out test. Everything here listens on the loopback
address only, and every server started is stopped again.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def answers(host, port, timeout=1.0):
    """Return True if something accepts connections at host:port."""
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def free_port():
    """Return a free port on 127.0.0.1, from LOCAL_PORTS ("8200-8299") if set."""
    span = os.environ.get("LOCAL_PORTS", "")
    if span:
        low, high = (int(part) for part in span.split("-"))
        ports = range(low, high + 1)
    else:
        ports = [0]
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"No free port in LOCAL_PORTS={span}")


def postgres_url(url, name):
    """Return the same server's URL for another database name."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def fresh_database(url=None):
    """Yield the URL of a new, empty database, and drop it afterwards.

    Without a URL: SQLite in a temporary folder. With a PostgreSQL URL: that
    database is dropped if it exists and created empty.
    """
    if not url:
        folder = tempfile.mkdtemp(prefix="awareness-db-")
        try:
            yield f"sqlite:///{folder}/db.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    admin_url = postgres_url(url, "postgres")

    def run(sql):
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_environment(database_url, redis_url="", **extra):
    """Return the environment for the site in production mode on 127.0.0.1."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # Served over plain HTTP on the loopback address.
        DJANGO_HTTPS="0",
        DATABASE_URL=database_url,
        DJANGO_CACHE_KEY_PREFIX=f"awareness-{secrets.token_hex(4)}",
        # Without Redis the caches are files: a folder of this run's own.
        DJANGO_CACHE_DIR=tempfile.mkdtemp(prefix="awareness-cache-"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "-m", "manage", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_site(env):
    """Create the tables, load the real content and collect static files."""
    manage(env, "migrate", "--no-input")
    manage(env, "load_content")
    manage(env, "collectstatic", "--no-input")


class Server:
    """A gunicorn master on 127.0.0.1, with its workers."""

    def __init__(self, app, env, *, workers=None, log=None):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        env = {**env, "GUNICORN_BIND": f"{HOST}:{self.port}"}
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.log = open(log or os.devnull, "ab")  # noqa: SIM115
        env["GUNICORN_ACCESS_LOG"] = log or os.devnull
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            if answers(HOST, self.port, timeout=0.2):
                try:
                    urllib.request.urlopen(self.url + "/", timeout=5).close()
                except urllib.error.HTTPError:
                    pass  # it answered
                except OSError:
                    time.sleep(0.2)
                    continue
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start in time")

    def worker_pids(self):
        """Return the pids of this master's workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def forget_redis_keys(redis_url, prefix):
    """Delete this run's keys, and only them: never a whole database."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
