"""python -m sample INBOX: write the sample files into an inbox folder."""

import sys

from sample.generator import main

sys.exit(main())
