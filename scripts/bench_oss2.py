"""One timed transfer through oss2 2.19.1: the Python twin of native/examples/transfer_bench.rs,
for scripts/bench-native-vs-oss2.sh. One process per measurement, so that the peak RSS printed
is that transfer's alone (the interpreter and oss2's imports included, as a user would have
them).

    bench_oss2.py put KEY FILE                  bucket.put_object_from_file (one PUT)
    bench_oss2.py get KEY FILE                  bucket.get_object_to_file
    bench_oss2.py resumable-upload KEY FILE     oss2.resumable_upload (multipart, threads)
    bench_oss2.py resumable-download KEY FILE   oss2.resumable_download (ranges, threads)
    bench_oss2.py crcmod                        says whether crcmod's C extension is in use

Environment as for transfer_bench: OSS_ENDPOINT, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET,
OSS_BUCKET, BENCH_PART_MIB (10), BENCH_THREADS (4), BENCH_CHECKPOINT_DIR. The resumable
thresholds are one part, so those always go multipart. enable_crc stays True (oss2's default).

Prints `result op=.. bytes=.. secs=.. mib_s=.. peak_rss_kib=.. cpu_secs=..` (and `crc64=..` for
uploads, as the server answered it).
"""

import os
import sys
import time

import oss2


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def cpu_seconds():
    # Same source as transfer_bench: utime + stime of all threads, in 1/100 s.
    with open("/proc/self/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[14 - 3]) + int(fields[15 - 3])) / 100.0


def main():
    op = sys.argv[1]
    if op == "crcmod":
        crcmod_module = sys.modules.get("crcmod.crcmod")
        if crcmod_module is None:
            import crcmod.crcmod  # noqa: F401

            crcmod_module = sys.modules["crcmod.crcmod"]
        print("C extension" if crcmod_module._usingExtension else "pure Python")
        return
    key, path = sys.argv[2], sys.argv[3]
    auth = oss2.Auth(os.environ["OSS_ACCESS_KEY_ID"], os.environ["OSS_ACCESS_KEY_SECRET"])
    bucket = oss2.Bucket(auth, os.environ["OSS_ENDPOINT"], os.environ["OSS_BUCKET"],
                         enable_crc=True)
    part_size = int(os.environ.get("BENCH_PART_MIB", "10")) << 20
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    checkpoints = os.environ.get("BENCH_CHECKPOINT_DIR")

    started = time.monotonic()
    cpu_before = cpu_seconds()
    crc = None
    if op == "put":
        result = bucket.put_object_from_file(key, path)
        size, crc = os.path.getsize(path), result.crc
    elif op == "get":
        result = bucket.get_object_to_file(key, path)
        size = result.content_length
    elif op == "resumable-upload":
        store = oss2.ResumableStore(root=checkpoints) if checkpoints else None
        result = oss2.resumable_upload(bucket, key, path, store=store,
                                       multipart_threshold=part_size, part_size=part_size,
                                       num_threads=threads)
        size, crc = os.path.getsize(path), result.crc
    elif op == "resumable-download":
        store = oss2.ResumableDownloadStore(root=checkpoints) if checkpoints else None
        oss2.resumable_download(bucket, key, path, store=store, multiget_threshold=part_size,
                                part_size=part_size, num_threads=threads)
        size = os.path.getsize(path)
    else:
        raise SystemExit("unknown operation %r" % op)
    secs = time.monotonic() - started
    cpu = cpu_seconds() - cpu_before

    line = "result op=%s bytes=%d secs=%.3f mib_s=%.1f peak_rss_kib=%d cpu_secs=%.2f" % (
        op, size, secs, size / 1048576.0 / secs, peak_rss_kib(), cpu)
    if crc is not None:
        line += " crc64=%d" % crc
    print(line)


if __name__ == "__main__":
    main()
