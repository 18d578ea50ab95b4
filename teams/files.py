"""Where the teams mapping lives, and reading and writing it (a local path or an fsspec URL such
as s3://, like HISTORY_DIR). The app and `python -m sync` find it the same way: TEAMS_FILE, else
`teams.csv` beside the store."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_NAME = "teams.csv"


def location(teams_file: str | None, store_url: str, file_name: str = FILE_NAME) -> str:
    """TEAMS_FILE when set, else `teams.csv` in the store's folder. (The budgets file is found
    the same way: BUDGETS_FILE, else `budgets.csv` beside the store.)"""
    if teams_file:
        return teams_file
    return store_url.rstrip("/") + "/" + file_name


def shown(url: str) -> str:
    """`url` as a message may show it to any viewer: the file's name, not the server's folders
    (nor a bucket's name), e.g. "teams.csv" or "s3://.../teams.csv"."""
    name = url.rstrip("/").rsplit("/", 1)[-1].rsplit(os.sep, 1)[-1]
    return f"{url.split('://', 1)[0]}://.../{name}" if _remote(url) else name


def _remote(url: str) -> bool:
    return "://" in url and not url.startswith("file://")


def read_bytes(url: str) -> bytes | None:
    """The file's bytes (for a checker that reports bad encoding by line); None when there is
    no such file."""
    if _remote(url):
        import fsspec

        try:
            with fsspec.open(url, "rb") as file:
                return file.read()
        except FileNotFoundError:
            return None
    try:
        return Path(url.removeprefix("file://")).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


def version(url: str) -> tuple | None:
    """What changes whenever the file does (size, modification time; an object store's ETag),
    read without reading the file; None when there is no such file."""
    if _remote(url):
        import fsspec

        fs, path = fsspec.core.url_to_fs(url)
        try:
            info = fs.info(path)
        except FileNotFoundError:
            return None
        return tuple(str(info.get(k)) for k in ("size", "ETag", "LastModified", "mtime"))
    try:
        stat = Path(url.removeprefix("file://")).stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def read_text(url: str) -> str | None:
    """The file's text; None when there is no such file."""
    raw = read_bytes(url)
    if raw is None:
        return None
    return raw.decode("utf-8")  # a UnicodeDecodeError is the caller's to report


def write_text(url: str, text: str) -> None:
    """Replace the file in one step: a reader sees the old file or the new, never half."""
    if _remote(url):
        import fsspec

        with fsspec.open(url, "wb") as file:  # one PUT: the object is replaced whole
            file.write(text.encode("utf-8"))
        return
    path = Path(url.removeprefix("file://"))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# What an edit on screen may save: a mapping of a large organisation fits many times over; a
# larger edit is refused before it is checked or written.
MAX_EDITED_ROWS = 5_000
MAX_EDITED_BYTES = 512 * 1024


def too_big(rows: int, text: str) -> str | None:
    """Why an edited table is refused for its size, or None."""
    if rows > MAX_EDITED_ROWS:
        return f"{rows:,} rows: at most {MAX_EDITED_ROWS:,} can be saved from the page."
    size = len(text.encode("utf-8"))
    if size > MAX_EDITED_BYTES:
        return f"{size:,} bytes: at most {MAX_EDITED_BYTES:,} can be saved from the page."
    return None


def with_comments(old: str | None, new: str) -> str:
    """`new` with the comment lines (starting with #) of the file it replaces kept at its top,
    in their order: the rows were edited in a table that has no place for them."""
    kept = [line for line in (old or "").splitlines() if line.lstrip().startswith("#")]
    return "\n".join(kept) + "\n" + new if kept else new
