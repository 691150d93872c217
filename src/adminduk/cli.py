"""The ``adminduk`` console command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    # `adminduk demo` is the one place a dev secret key is acceptable without configuration.
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("ADMINDUK_MODE", "demo")
    from django.core.management import execute_from_command_line

    argv[0] = "adminduk"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
