"""gunicorn's settings for `make serve`, `make bench` and `make loadtest`.

Sync workers, one per core by default: pages are CPU-bound (template
rendering) rather than waiting on the database, and on machines like ours
4 sync workers served no more than 2 on 2 cores.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "sync"
# Load Django once in the master so workers start fast and share memory;
# it opens no database connection at import.
preload_app = True
timeout = 30
graceful_timeout = 20
# Recycle workers now and then, so a slow leak can never grow for long. Not
# often: a new worker compiles its templates and opens its connections
# again, which shows as slow requests, and at a thousand requests a second
# 10,000 came round every few seconds.
max_requests = 100000
max_requests_jitter = 10000
# Request size limits, in front of Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Trust X-Forwarded-Proto only from a proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
logger_class = "awareness.access_log.AccessLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# Several servers run side by side here (the scale-out test, the benchmark):
# one control socket per user would be shared, so none is opened.
control_socket_disable = True
