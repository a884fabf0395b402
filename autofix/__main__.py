"""Allow ``python -m autofix``."""

from autofix.fastcli import main

if __name__ == "__main__":
    main()
