"""python -m sample INBOX: write the sample files into an inbox folder."""

import sys

from sample.command import main

sys.exit(main())
