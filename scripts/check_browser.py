"""Fail early, with the fix, when the browser tests cannot find Chromium."""

import os
import shutil
import sys

path = os.environ.get("WRAPAROUND_CHROMIUM", "/usr/bin/chromium")
if not (os.path.exists(path) or shutil.which("chromium")):
    sys.exit(
        f"Chromium is needed for the browser tests and was not found at {path}.\n"
        "Install Debian's package: sudo apt-get install -y chromium "
        "(or set WRAPAROUND_CHROMIUM to its path). .ci/run does this for you."
    )
