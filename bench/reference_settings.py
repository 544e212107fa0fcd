"""Settings for the benchmark's reference site: the site itself, plus the
reference views of bench/reference_urls.py. Never used to serve anyone."""

from awareness.settings import *  # noqa: F403

ROOT_URLCONF = "bench.reference_urls"
