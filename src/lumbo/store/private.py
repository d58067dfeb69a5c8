"""Health data on disk is readable by the service's own user only.

``make_private(data_dir)`` sets the process umask to ``077`` (every file created afterwards, the
SQLite database, its WAL and shared-memory files, the job queue, uploaded videos, is ``0600`` and
every folder ``0700``), creates the data directory ``0700`` and tightens what an older version
left readable by others. Called when the web service, the job worker or the CLI store opens.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private(data_dir: Path) -> None:
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _tighten(data_dir)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            _tighten(Path(root) / name)
        for name in files:
            _tighten(Path(root) / name)


def _tighten(path: Path) -> None:
    try:
        st = path.lstat()
    except FileNotFoundError:  # removed meanwhile (a finished upload's temporary file)
        return
    if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid():
        return
    mode = stat.S_IMODE(st.st_mode)
    private = mode & (DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE)
    if mode != private:
        path.chmod(private)
