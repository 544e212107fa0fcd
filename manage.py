#!/usr/bin/env python
import os
import sys

from dotenv import load_dotenv


def main():
    # Only manage.py reads .env; servers get the real environment.
    load_dotenv()
    # Commands run on a developer's or operator's machine may fall back to
    # the key kept in var/; servers start from wsgi.py and need a real one.
    os.environ.setdefault("DJANGO_LOCAL_SECRET_KEY", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awareness.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
