"""Entry point of the frozen program (build_installer.spec): the `fieldapp` command.

Also the child process of `fieldapp --self-test`'s Qt check, which re-runs this program
with FIELDAPP_SELFTEST_QT_PROBE set (a frozen program has no `python -c`).
"""

import os
import sys

if __name__ == "__main__":
    if os.environ.get("FIELDAPP_SELFTEST_QT_PROBE") is not None:
        from fieldapp.tools.selftest import qt_probe_main

        qt_probe_main()
        sys.exit(0)
    from fieldapp.cli import main

    main()
