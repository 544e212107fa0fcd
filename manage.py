#!/usr/bin/env python
import os
import sys

from dotenv import load_dotenv


def main():
    # Only manage.py reads .env; servers get the real environment.
    load_dotenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awareness.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
