"""Writing output files atomically: a reader sees the old file or the whole new one."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], keep_suffix: bool = False, tag: str = ""
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    If the body raises (an error, or KeyboardInterrupt), the temporary file is
    removed and ``path`` is left as it was; an OSError (disk full, say) names
    ``path``.  ``keep_suffix`` ends the
    temporary name with ``path``'s suffix, for writers that go by it; ``tag``
    goes into the temporary name (``.NAME.TAG.XXXX.part``), to say who writes it.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file stands where a folder should be
        raise NotADirectoryError(
            errno.ENOTDIR, "not a folder (a file is in the way)", str(target.parent)
        ) from None
    suffix = ".part" + (target.suffix if keep_suffix else "")
    prefix = f".{target.name}.{tag}." if tag else f".{target.name}."
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp_path, target)
        except OSError as err:  # disk full, file too large...: name the file meant
            raise OSError(err.errno, err.strerror or str(err), str(target)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
