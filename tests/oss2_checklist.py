"""The official Python SDK (oss2) against oss-emulator over HTTP: a checklist of every seed
operation, with signatures checked and CRC checking on. Prints `oss2 checks: N passed, M failed`.
OSS_AUTH_VERSION=v4 runs the same list signed with oss2's AuthV4 (region cn-hangzhou).

Run by tests/oss2-checklist.sh, which starts the emulator and sets OSS_ENDPOINT, OSS_ACCESS_KEY_ID,
OSS_ACCESS_KEY_SECRET, the OSS_STS_* triple of an STS key, and CHECKLIST_TMP (a scratch directory).
"""

import os
import sys
import traceback
import urllib.error
import urllib.request

import oss2

ENDPOINT = os.environ["OSS_ENDPOINT"]
KEY_ID = os.environ["OSS_ACCESS_KEY_ID"]
SECRET = os.environ["OSS_ACCESS_KEY_SECRET"]
TMP = os.environ.get("CHECKLIST_TMP", "/tmp")
BUCKET = "oss2-checklist"

VERSION = os.environ.get("OSS_AUTH_VERSION", "v1")
REGION = "cn-hangzhou"


def make_auth(key_id, secret):
    return oss2.AuthV4(key_id, secret) if VERSION == "v4" else oss2.Auth(key_id, secret)


def make_sts_auth(key_id, secret, token):
    return oss2.StsAuth(key_id, secret, token, auth_version=VERSION)


def make_bucket(auth, **kwargs):
    return oss2.Bucket(auth, ENDPOINT, BUCKET, region=REGION, **kwargs)


auth = make_auth(KEY_ID, SECRET)
service = oss2.Service(auth, ENDPOINT, region=REGION)
bucket = make_bucket(auth, enable_crc=True)

results = []


def check(name):
    def run(fn):
        try:
            fn()
            results.append((name, None))
        except Exception:  # noqa: BLE001 - every failure is reported, none stops the list
            results.append((name, traceback.format_exc(limit=3)))
        return fn

    return run


def expect_error(exc_class, fn, code=None):
    try:
        fn()
    except exc_class as e:
        if code is not None:
            assert e.code == code, f"{e.code} != {code}"
        return e
    raise AssertionError(f"{exc_class.__name__} was not raised")


@check("create bucket, list buckets, location, bucket ACL")
def _():
    bucket.create_bucket(oss2.BUCKET_ACL_PRIVATE)
    names = [b.name for b in oss2.BucketIterator(service)]
    assert BUCKET in names, names
    assert bucket.get_bucket_location().location == "oss-cn-hangzhou"
    bucket.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    assert bucket.get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ
    bucket.put_bucket_acl(oss2.BUCKET_ACL_PRIVATE)


@check("put and get objects, CRC checked by oss2")
def _():
    data = b"hello from oss2 " * 1000
    result = bucket.put_object("dir/hello.txt", data, headers={"x-oss-meta-author": "checklist"})
    assert result.crc is not None
    got = bucket.get_object("dir/hello.txt")
    assert got.read() == data
    assert got.headers["x-oss-meta-author"] == "checklist"
    assert bucket.get_object("dir/hello.txt", byte_range=(0, 4)).read() == b"hello"
    path = os.path.join(TMP, "download")
    bucket.get_object_to_file("dir/hello.txt", path)
    with open(path, "rb") as f:
        assert f.read() == data


@check("head, object meta, object_exists")
def _():
    head = bucket.head_object("dir/hello.txt")
    assert head.content_length == 16000
    assert bucket.get_object_meta("dir/hello.txt").content_length == 16000
    assert bucket.object_exists("dir/hello.txt")
    assert not bucket.object_exists("dir/nope.txt")
    expect_error(oss2.exceptions.NoSuchKey, lambda: bucket.get_object("dir/nope.txt"))


@check("listing with small pages, delimiter and encoded keys")
def _():
    keys = ["list/a", "list/b c", "list/d+e", "list/sub/x", "list/sub/y", "list/中文"]
    for key in keys:
        bucket.put_object(key, key.encode())
    listed = [o.key for o in oss2.ObjectIterator(bucket, prefix="list/", max_keys=2)]
    assert listed == sorted(keys, key=lambda k: k.encode()), listed
    entries = [o.key for o in oss2.ObjectIterator(bucket, prefix="list/", delimiter="/", max_keys=2)]
    assert "list/sub/" in entries and "list/sub/x" not in entries, entries


@check("append, positions, PositionNotEqualToLength")
def _():
    first = bucket.append_object("log.txt", 0, b"12345")
    second = bucket.append_object("log.txt", first.next_position, b"6789", init_crc=first.crc)
    assert second.next_position == 9
    e = expect_error(oss2.exceptions.PositionNotEqualToLength, lambda: bucket.append_object("log.txt", 3, b"x"))
    assert e.next_position == 9
    expect_error(oss2.exceptions.ObjectNotAppendable, lambda: bucket.append_object("dir/hello.txt", 16000, b"x"))


@check("multipart upload, list parts and uploads, complete, abort")
def _():
    part = b"p" * (100 * 1024)
    upload_id = bucket.init_multipart_upload("big.bin").upload_id
    parts = []
    for number in (1, 2, 3):
        result = bucket.upload_part("big.bin", upload_id, number, part + bytes([number]))
        parts.append(oss2.models.PartInfo(number, result.etag, size=len(part) + 1, part_crc=result.crc))
    listed = [p.part_number for p in oss2.PartIterator(bucket, "big.bin", upload_id, max_parts=2)]
    assert listed == [1, 2, 3], listed
    uploads = [u.upload_id for u in oss2.MultipartUploadIterator(bucket, max_uploads=1)]
    assert upload_id in uploads
    bucket.complete_multipart_upload("big.bin", upload_id, parts)
    data = bucket.get_object("big.bin").read()
    assert data == b"".join(part + bytes([n]) for n in (1, 2, 3))
    other = bucket.init_multipart_upload("aborted.bin").upload_id
    bucket.abort_multipart_upload("aborted.bin", other)
    expect_error(oss2.exceptions.NoSuchUpload, lambda: bucket.list_parts("aborted.bin", other))


@check("resumable upload (multipart with CRC) and download")
def _():
    path = os.path.join(TMP, "resumable")
    with open(path, "wb") as f:
        f.write(os.urandom(300 * 1024))
    oss2.resumable_upload(bucket, "resumable.bin", path, multipart_threshold=100 * 1024, part_size=100 * 1024)
    oss2.resumable_download(bucket, "resumable.bin", path + ".down", multiget_threshold=100 * 1024, part_size=100 * 1024)
    with open(path, "rb") as a, open(path + ".down", "rb") as b:
        assert a.read() == b.read()


@check("copy, update meta")
def _():
    bucket.copy_object(BUCKET, "dir/hello.txt", "copy.txt")
    assert bucket.get_object("copy.txt").read() == b"hello from oss2 " * 1000
    bucket.update_object_meta("copy.txt", {"Content-Type": "text/csv", "x-oss-meta-k": "v"})
    head = bucket.head_object("copy.txt")
    assert head.content_type == "text/csv"


@check("symlinks")
def _():
    bucket.put_symlink("dir/hello.txt", "link.txt")
    assert bucket.get_symlink("link.txt").target_key == "dir/hello.txt"
    assert bucket.get_object("link.txt").read() == b"hello from oss2 " * 1000


@check("batch delete")
def _():
    for key in ("del/1", "del/2", "del/3"):
        bucket.put_object(key, b"x")
    result = bucket.batch_delete_objects(["del/1", "del/2", "del/3"])
    assert sorted(result.deleted_keys) == ["del/1", "del/2", "del/3"]
    assert not bucket.object_exists("del/1")


@check("object ACL, anonymous access, presigned URL")
def _():
    url = bucket.sign_url("GET", "dir/hello.txt", 60)
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"hello from oss2 " * 1000
    anonymous = make_bucket(oss2.AnonymousAuth())
    expect_error(oss2.exceptions.AccessDenied, lambda: anonymous.get_object("dir/hello.txt"))
    bucket.put_object_acl("dir/hello.txt", oss2.OBJECT_ACL_PUBLIC_READ)
    assert bucket.get_object_acl("dir/hello.txt").acl == oss2.OBJECT_ACL_PUBLIC_READ
    assert anonymous.get_object("dir/hello.txt").read() == b"hello from oss2 " * 1000


@check("presigned PUT with a signed Content-Type")
def _():
    url = bucket.sign_url("PUT", "presigned-put.txt", 60, headers={"Content-Type": "text/plain"})
    request = urllib.request.Request(url, data=b"put by URL", method="PUT", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    assert bucket.get_object("presigned-put.txt").read() == b"put by URL"
    # Another Content-Type than the signed one breaks the signature.
    request = urllib.request.Request(url, data=b"x", method="PUT", headers={"Content-Type": "image/png"})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("a PUT with another Content-Type was accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 403, e.code


@check("STS credentials: requests and presigned URLs carry the token")
def _():
    sts = make_sts_auth(os.environ["OSS_STS_ACCESS_KEY_ID"], os.environ["OSS_STS_ACCESS_KEY_SECRET"],
                       os.environ["OSS_STS_SECURITY_TOKEN"])
    sts_bucket = make_bucket(sts, enable_crc=True)
    sts_bucket.put_object("sts.txt", b"written with STS")
    assert sts_bucket.get_object("sts.txt").read() == b"written with STS"
    with urllib.request.urlopen(sts_bucket.sign_url("GET", "sts.txt", 60)) as response:
        assert response.read() == b"written with STS"
    wrong = make_sts_auth(os.environ["OSS_STS_ACCESS_KEY_ID"], os.environ["OSS_STS_ACCESS_KEY_SECRET"], "CAIS+other")
    expect_error(oss2.exceptions.ServerError, lambda: make_bucket(wrong).get_object("sts.txt"))


@check("wrong secret is refused")
def _():
    wrong = make_bucket(make_auth(KEY_ID, "not-the-secret"))
    e = expect_error(oss2.exceptions.SignatureDoesNotMatch, lambda: wrong.get_object("dir/hello.txt"))
    assert "StringToSign" in e.details


@check("bucket configurations: CORS, lifecycle, logging, referer, website")
def _():
    from oss2.models import (BucketCors, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite,
                             CorsRule, LifecycleExpiration, LifecycleRule)

    bucket.put_bucket_cors(BucketCors([CorsRule(allowed_origins=["*"], allowed_methods=["GET"], max_age_seconds=100)]))
    assert bucket.get_bucket_cors().rules[0].max_age_seconds == 100
    bucket.delete_bucket_cors()
    expect_error(oss2.exceptions.NoSuchCors, bucket.get_bucket_cors)
    rule = LifecycleRule("r1", "logs/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=3))
    bucket.put_bucket_lifecycle(BucketLifecycle([rule]))
    assert bucket.get_bucket_lifecycle().rules[0].expiration.days == 3
    bucket.delete_bucket_lifecycle()
    expect_error(oss2.exceptions.NoSuchLifecycle, bucket.get_bucket_lifecycle)
    bucket.put_bucket_logging(BucketLogging(BUCKET, "access-log/"))
    assert bucket.get_bucket_logging().target_prefix == "access-log/"
    bucket.delete_bucket_logging()
    bucket.put_bucket_referer(BucketReferer(False, ["https://example.com"]))
    assert bucket.get_bucket_referer().referers == ["https://example.com"]
    bucket.put_bucket_website(BucketWebsite("index.html", "error.html"))
    assert bucket.get_bucket_website().index_file == "index.html"
    bucket.delete_bucket_website()
    expect_error(oss2.exceptions.NoSuchWebsite, bucket.get_bucket_website)


@check("live channels")
def _():
    from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

    channel = LiveChannelInfo(status="enabled", description="checklist",
                              target=LiveChannelInfoTarget(playlist_name="playlist.m3u8"))
    created = bucket.create_live_channel("chan1", channel)
    assert created.publish_url.startswith("rtmp://")
    assert bucket.get_live_channel("chan1").description == "checklist"
    assert [c.name for c in bucket.list_live_channel().channels] == ["chan1"]
    assert bucket.get_live_channel_stat("chan1").status == "Idle"
    bucket.put_live_channel_status("chan1", "disabled")
    assert bucket.get_live_channel_stat("chan1").status == "Disabled"
    assert bucket.get_live_channel_history("chan1").records == []
    bucket.post_vod_playlist("chan1", "vod.m3u8", start_time=1700000000, end_time=1700003600)
    assert bucket.get_object("chan1/vod.m3u8").read().startswith(b"#EXTM3U")
    bucket.delete_live_channel("chan1")
    expect_error(oss2.exceptions.NoSuchLiveChannel, lambda: bucket.get_live_channel("chan1"))


@check("delete a bucket: BucketNotEmpty, then empty it and delete")
def _():
    expect_error(oss2.exceptions.BucketNotEmpty, bucket.delete_bucket)
    for upload in oss2.MultipartUploadIterator(bucket):
        bucket.abort_multipart_upload(upload.key, upload.upload_id)
    for obj in oss2.ObjectIterator(bucket):
        bucket.delete_object(obj.key)
    bucket.delete_bucket()
    expect_error(oss2.exceptions.NoSuchBucket, bucket.get_bucket_acl)


failed = [(name, trace) for name, trace in results if trace]
for name, trace in failed:
    print(f"FAIL {name}\n{trace}")
print(f"oss2 checks ({VERSION}): {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
