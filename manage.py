#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main():
    # platform/ is a source root, not a package: put it on the path (pip install -e does the same).
    root = Path(__file__).resolve().parent
    for folder in (root, root / "platform"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
