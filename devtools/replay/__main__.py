"""`python -m devtools.replay`: the same as `motivator replay`."""

import sys

from devtools.replay.cli import main

sys.exit(main())
