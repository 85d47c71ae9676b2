"""`python -m bot` is the `lantian` command."""

import sys

from bot.cli import main

sys.exit(main())
