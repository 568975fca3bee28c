"""Builds the analysis engine's hot modules with mypyc (see callpipe/analysis/build.py).

Everything else about the package is in pyproject.toml. ``CALLPIPE_COMPILE=0``
installs the engine as plain Python (no C compiler needed).
"""

import os
import runpy

from setuptools import setup

ext_modules = []
if os.environ.get("CALLPIPE_COMPILE", "1") != "0":
    from mypyc.build import mypycify

    build = runpy.run_path("callpipe/analysis/build.py")
    # The import-time check compares the sources with this record, not file
    # times (which installers set as they please).
    build["record_source_hashes"]()
    ext_modules = mypycify(
        build["source_paths"](),
        opt_level="3",
        # One shared library inside the package (callpipe/analysis__mypyc.*.so)
        # rather than a top-level module with a hash for a name.
        group_name=build["PACKAGE"],
    )

setup(ext_modules=ext_modules)
