"""Sets that cannot be imported stop with a clear error and change nothing."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from ediary_oneroster.importer import import_set
from ediary_oneroster.reader import Limits, ReadOptions, SetError
from tests.plugins.oneroster.conftest import DATA, OPERATOR
from tests.plugins.oneroster.snapshot import snapshot


def copy_set(tmp_path: Path, name: str = "v11") -> Path:
    dest = tmp_path / name
    shutil.copytree(DATA / name, dest)
    return dest


async def refused(
    path: Path, code: str, limits: Limits | None = None, options: ReadOptions | None = None
) -> SetError:
    before = await snapshot()
    with pytest.raises(SetError) as caught:
        await import_set(path, dry_run=False, reach=OPERATOR, limits=limits, options=options)
    assert caught.value.code == code, caught.value
    assert await snapshot() == before
    return caught.value


async def test_broken_csv(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    with (path / "results.csv").open("a", encoding="utf-8") as f:
        f.write('r9,,,li1,st1,fully graded,"5,2025-09-12,unclosed\n')
    # Read tolerantly, an optional file such as results.csv is left out instead.
    await refused(path, "csv.broken", options=ReadOptions(strict=True))


async def test_cp1251_is_named(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    text = (path / "users.csv").read_text(encoding="utf-8")
    (path / "users.csv").write_bytes(text.encode("cp1251", errors="replace"))
    error = await refused(path, "file.encoding")
    assert "cp1251" in error.message and "users.csv" in error.message


async def test_utf8_with_and_without_bom(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    users = path / "users.csv"
    users.write_bytes(b"\xef\xbb\xbf" + users.read_bytes())
    outcome = await import_set(path, dry_run=True, reach=OPERATOR)
    assert outcome.counts["users created"] == 8


async def test_duplicate_sourced_ids(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    with (path / "users.csv").open("a", encoding="utf-8") as f:
        f.write("t1,,,true,s1,teacher,or.other,,A,B,,,,,,,,\n")
    error = await refused(path, "sourcedId.duplicate")
    assert "'t1'" in error.message


async def test_cycle_in_org_parents(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    (path / "orgs.csv").write_text(
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
        "d1,,,District,district,or-77,s1\n"
        "s1,,,School,school,S1,d1\n",
        encoding="utf-8",
    )
    error = await refused(path, "org.cycle")
    assert "d1 -> s1 -> d1" in error.message or "s1 -> d1 -> s1" in error.message


async def test_missing_required_column(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    (path / "courses.csv").write_text("sourcedId,title\nc1,Maths\n", encoding="utf-8")
    await refused(path, "header.missing")


async def test_no_manifest(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    (path / "manifest.csv").unlink()
    await refused(path, "manifest.missing")


async def test_zip_set_is_read(fresh: str, tmp_path: Path) -> None:
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in (DATA / "v12").iterdir():
            zf.write(file, f"export/{file.name}")
    outcome = await import_set(archive, dry_run=True, reach=OPERATOR)
    assert outcome.problems == [] and outcome.counts["users created"] == 5


async def test_zip_bomb(fresh: str, tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.csv", (DATA / "v11" / "manifest.csv").read_text())
        zf.writestr("users.csv", b"\0" * (50 * 1024 * 1024))
    await refused(archive, "zip.ratio")


async def test_path_traversal_in_archive(fresh: str, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("manifest.csv", (DATA / "v11" / "manifest.csv").read_text())
        zf.writestr("../../etc/orgs.csv", "x")
    error = await refused(archive, "zip.path")
    assert "../../etc/orgs.csv" in error.message


async def test_two_gigabyte_file_is_refused_before_reading(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    # A sparse file: 2 GB long, nothing written to disk, never read.
    with (path / "results.csv").open("r+b") as f:
        f.truncate(2 * 1024 * 1024 * 1024)
    error = await refused(path, "file.too_large")
    assert "results.csv" in error.message


async def test_file_size_limit_is_configurable(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path)
    await refused(path, "file.too_large", Limits(max_file_bytes=200))
