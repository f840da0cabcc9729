"""A real S3-compatible server for the shared-backend tests: moto's server mode in its own process.

Why moto: it installs from PyPI (MinIO would have to be built from its Go module), and its server
mode speaks the S3 REST protocol on a TCP port, which is what Pulumi's Go blob backend
(gocloud.dev/blob/s3blob, aws-sdk-go-v2) talks to. The process listens on 127.0.0.1 port 0 and
prints the port it got.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

# The server process: bind port 0, report it, serve until killed.
_SERVE = """
import sys, threading
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
threading.Event().wait()
"""

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "vigil-test",
    "AWS_SECRET_ACCESS_KEY": "vigil-test-secret",
    "AWS_REGION": "us-east-1",
}


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen[str]

    @classmethod
    def start(cls) -> S3Server:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert process.stdout is not None
        port = int(process.stdout.readline().strip())
        return cls(f"http://127.0.0.1:{port}", process)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        name = f"vigil-state-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def backend_url(self, bucket: str, prefix: str = "") -> str:
        """As the README documents it for S3-compatible stores (gocloud.dev s3blob URL options)."""
        path = f"/{prefix}" if prefix else ""
        return f"s3://{bucket}{path}?endpoint={self.endpoint}&region=us-east-1&use_path_style=true"

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
