"""The state backend as a key/value store: what vigil reads and writes beside Pulumi's own state.

Pulumi's DIY backend keeps everything under ``.pulumi/`` of one blob store (a directory for
``file://``, a bucket for ``s3://``): ``stacks/<project>/<stack>.json`` (the checkpoint),
``locks/organization/<project>/<stack>/<id>.json`` (one lock file per running update), ``history/``
and ``backups/``. vigil's own records (drift fingerprints under ``.vigil/``) go in the same store, so
every laptop and CI job that shares the state shares them too.

Two implementations, chosen by the URL's scheme: ``FileStore`` and ``S3Store``. The ``s3://`` URL is
the one given to Pulumi, so it is read the way Pulumi's Go blob backend reads it (gocloud.dev
v0.46 ``blob/s3blob`` and ``aws.V2ConfigFromURLParams``): ``region``, ``endpoint`` (a full URL such as
``http://127.0.0.1:9000``), ``use_path_style``/``s3ForcePathStyle``, ``disable_https``, ``profile``;
the bucket is the host and a path is a prefix inside it. Credentials come from the variables handed
in (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_PROFILE), as for Pulumi.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlparse


class Store(Protocol):
    """Keys are slash paths relative to the backend's root (e.g. ``.pulumi/stacks/p/dev.json``)."""

    @property
    def url(self) -> str: ...

    def read(self, key: str) -> bytes | None: ...

    def write(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> bool: ...

    def keys(self, prefix: str) -> list[str]: ...


@dataclass(frozen=True)
class FileStore:
    url: str
    root: Path

    def _path(self, key: str) -> Path:
        return self.root / key

    def read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def write(self, key: str, data: bytes) -> None:
        """Atomic: a crash leaves the old file or the new one, never a half-written one."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".vigil-tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def keys(self, prefix: str) -> list[str]:
        base = self._path(prefix)
        if not base.is_dir():
            return []
        return sorted(
            str(p.relative_to(self.root)).replace(os.sep, "/") for p in base.rglob("*") if p.is_file()
        )


@dataclass
class S3Store:
    url: str
    bucket: str
    prefix: str
    client: Any = field(repr=False)

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def read(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return bytes(response["Body"].read())

    def write(self, key: str, data: bytes) -> None:  # an S3 PUT is atomic per object
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def delete(self, key: str) -> bool:
        existed = self.read(key) is not None
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        return existed

    def keys(self, prefix: str) -> list[str]:
        found: list[str] = []
        for page in self._pages(self._key(prefix)):
            found.extend(str(item["Key"])[len(self.prefix) :] for item in page.get("Contents", []))
        return sorted(found)

    def _pages(self, prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        yield from paginator.paginate(Bucket=self.bucket, Prefix=prefix)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def s3_client(url: str, variables: Mapping[str, str]) -> tuple[str, str, Any]:
    """(bucket, key prefix, boto3 client) for a Pulumi ``s3://`` backend URL."""
    import boto3
    from botocore.config import Config

    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    endpoint = query.get("endpoint")
    if endpoint and "://" not in endpoint:
        endpoint = ("http://" if _truthy(query.get("disable_https")) else "https://") + endpoint
    path_style = _truthy(query.get("use_path_style")) or _truthy(query.get("s3ForcePathStyle"))
    session = boto3.session.Session(
        aws_access_key_id=variables.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=variables.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=variables.get("AWS_SESSION_TOKEN") or None,
        region_name=query.get("region") or variables.get("AWS_REGION") or variables.get("AWS_DEFAULT_REGION"),
        profile_name=query.get("profile") or variables.get("AWS_PROFILE") or None,
    )
    client = session.client(
        "s3",
        endpoint_url=endpoint or None,
        config=Config(s3={"addressing_style": "path" if path_style else "auto"}, retries={"max_attempts": 5}),
    )
    prefix = parsed.path.strip("/")
    return parsed.netloc, f"{prefix}/" if prefix else "", client


def open_store(url: str, variables: Mapping[str, str]) -> Store:
    """The store behind a backend URL (``file://`` or ``s3://``); ``variables``: the run's environment."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileStore(url, Path(unquote(parsed.path)))
    if parsed.scheme == "s3":
        bucket, prefix, client = s3_client(url, variables)
        return S3Store(url, bucket, prefix, client)
    raise ValueError(f"unsupported state backend {parsed.scheme}:// (vigil reads file:// and s3://)")
