import sys

from callpipe.cli.main import main

sys.exit(main())
