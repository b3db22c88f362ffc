"""The S3 backend (boto3): post images in the post bucket, profile pictures in the profile bucket."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from photoshare.errors import MediaNotFound, StorageUnavailable
from photoshare.media.keys import InvalidKey, kind_of
from photoshare.media.store import ObjectInfo, StoredObject

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024
_MISSING = {"404", "NoSuchKey", "NoSuchBucket", "NotFound"}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(exc: Exception) -> StorageUnavailable:
    return StorageUnavailable(f"S3: {exc}")


class _Missing(Exception):
    """S3 answered that the object, or its bucket, does not exist (the code is the argument)."""


@contextmanager
def _calling_s3():
    """boto3's errors as the store's: _Missing for a missing object or bucket, StorageUnavailable
    for everything else (throttling, 5xx, timeouts, refused connections, bad credentials)."""
    try:
        yield
    except ClientError as exc:
        if _code(exc) in _MISSING:
            raise _Missing(_code(exc)) from exc
        raise _unavailable(exc) from exc
    except BotoCoreError as exc:
        raise _unavailable(exc) from exc


class S3MediaStore:
    """Objects in two S3 buckets; the object key inside a bucket is the full media key."""

    def __init__(self, endpoint_url: str | None = None, post_bucket: str = "photoshare-post",
                 profile_bucket: str = "photoshare-profile", *, region: str | None = None,
                 connect_timeout: float = 3.0, read_timeout: float = 10.0, max_attempts: int = 3,
                 list_page_size: int = 1000, presigned_expires: int | None = None):
        self.list_page_size = list_page_size
        # Seconds a presigned redirect stays valid; None: objects are served through the app.
        self.presigned_expires = presigned_expires
        self.buckets = {"post": post_bucket, "profile": profile_bucket}
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # "standard" retries throttling, 5xx and connection errors with backoff, bounded by max_attempts.
            retries={"max_attempts": max_attempts, "mode": "standard"},
            signature_version="s3v4",
            # SeaweedFS and MinIO serve buckets as paths, not as virtual-host subdomains.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        )
        # A client of its own session: boto3 clients are thread-safe, the default session is not.
        self.client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, region_name=region,
                                                     config=config)
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def _bucket(self, key: str) -> str:
        return self.buckets[kind_of(key)]

    def _ensure_bucket(self, bucket: str) -> None:
        """Create the bucket on first use if it is missing; versioning is never turned on."""
        if bucket in self._ready:
            return
        with self._lock:
            if bucket in self._ready:
                return
            try:
                with _calling_s3():
                    self.client.head_bucket(Bucket=bucket)
                self._warn_if_versioned(bucket)
            except _Missing:
                self._create_bucket(bucket)
            self._ready.add(bucket)

    def _create_bucket(self, bucket: str) -> None:
        region = self.client.meta.region_name
        kwargs = {"Bucket": bucket}
        if region and region != "us-east-1":
            # AWS wants the region spelled out everywhere except us-east-1.
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(**kwargs)
            log.info("created bucket %s", bucket)
        except ClientError as exc:
            # Another process created it between our HEAD and our CREATE.
            if _code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def _warn_if_versioned(self, bucket: str) -> None:
        # With versioning on, a deleted image survives as an old version: say so once.
        try:
            status = self.client.get_bucket_versioning(Bucket=bucket).get("Status")
        except (ClientError, BotoCoreError):
            return
        if status == "Enabled":
            log.warning("bucket %s has versioning enabled: deleted images are kept as old versions", bucket)

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        """Store data under key with its Content-Type."""
        bucket = self._bucket(key)
        for attempt in (1, 2):
            self._ensure_bucket(bucket)
            try:
                with _calling_s3():
                    self.client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
                return
            except _Missing as exc:
                if attempt == 2:
                    raise StorageUnavailable(f"S3: bucket {bucket} is missing ({exc})") from exc
                # Removed behind our back since we last looked: create it again, once.
                self._ready.discard(bucket)

    def get_object(self, key: str) -> StoredObject:
        """Open the object for streaming; raises MediaNotFound."""
        try:
            bucket = self._bucket(key)
            with _calling_s3():
                response = self.client.get_object(Bucket=bucket, Key=key)
        except (InvalidKey, _Missing) as exc:
            raise MediaNotFound(key) from exc
        stream = response["Body"]

        def body() -> Iterator[bytes]:
            try:
                yield from stream.iter_chunks(_CHUNK)
            finally:
                stream.close()

        return StoredObject(
            body=body(),
            content_type=response.get("ContentType") or "application/octet-stream",
            content_length=response["ContentLength"],
            last_modified=response["LastModified"],
            etag=response["ETag"].strip('"'),
        )

    def delete_object(self, key: str) -> None:
        """Delete the object; a missing object or bucket is not an error."""
        with suppress(_Missing), _calling_s3():
            self.client.delete_object(Bucket=self._bucket(key), Key=key)

    def exists(self, key: str) -> bool:
        """Whether the object is stored."""
        try:
            with _calling_s3():
                self.client.head_object(Bucket=self._bucket(key), Key=key)
        except (InvalidKey, _Missing):
            return False
        return True

    def list_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every key under a prefix ("post/" or "profile/"), page by page."""
        bucket = self.buckets[kind_of(prefix)]
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": self.list_page_size})
        with suppress(_Missing), _calling_s3():
            for page in pages:
                for item in page.get("Contents", ()):
                    yield ObjectInfo(key=item["Key"], last_modified=item["LastModified"])

    def copy(self, key_from: str, key_to: str) -> None:
        """A server-side copy: the bytes never pass through the app."""
        bucket = self._bucket(key_to)
        self._ensure_bucket(bucket)
        try:
            with _calling_s3():
                self.client.copy_object(Bucket=bucket, Key=key_to,
                                        CopySource={"Bucket": self._bucket(key_from), "Key": key_from})
        except _Missing as exc:
            raise MediaNotFound(key_from) from exc

    def redirect_url(self, key: str) -> str | None:
        """A presigned GET valid presigned_expires seconds, when configured; raises MediaNotFound."""
        if self.presigned_expires is None:
            return None
        # Checked first: a presigned URL for a missing object would send the browser to S3's error.
        if not self.exists(key):
            raise MediaNotFound(key)
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket(key), "Key": key}, ExpiresIn=self.presigned_expires)

    def check(self) -> None:
        """Both buckets are reachable (created if missing); raises StorageUnavailable."""
        for bucket in self.buckets.values():
            # Not cached: a health check must talk to S3 every time.
            self._ready.discard(bucket)
            self._ensure_bucket(bucket)
