#!/usr/bin/env python3
"""The web app to its bucket behind the app's CloudFront distribution (docs/web-app.md).

    scripts/deploy-web.py --stack r2w-prod [--region eu-west-1] [--r2w target/debug/r2w]
    scripts/deploy-web.py --self-test      (against the local S3 emulator, R2W_TEST_AWS_ENDPOINT)

Reads the stack's outputs (AppBucketName, AppDistributionId, CdnUrl, OAuthProviders,
StripePublishableKey), writes config.json with `r2w web-config`, and uploads web/dist: hashed
assets first (a year, immutable), then config.json (no-store) and index.html (no-cache), so a
visitor never gets a page naming files that are not there yet. Older assets stay, for pages
already open. Then index.html and config.json are invalidated at the CDN.
"""

import argparse
import json
import mimetypes
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8",
         ".json": "application/json", ".svg": "image/svg+xml", ".woff2": "font/woff2"}


def upload(s3, bucket, dist, config_json):
    """Puts the app in `bucket`; returns the keys written, in order."""
    dist = Path(dist)
    if not (dist / "index.html").is_file():
        sys.exit(f"{dist}/index.html is missing: build the app first (make web)")
    written = []

    def put(key, body, cache):
        content_type = TYPES.get(Path(key).suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache)
        written.append(key)

    for path in sorted((dist / "assets").rglob("*")):
        if path.is_file():
            put(path.relative_to(dist).as_posix(), path.read_bytes(), IMMUTABLE)
    put("config.json", config_json.encode(), "no-store")
    put("index.html", (dist / "index.html").read_bytes(), "no-cache")
    return written


def deploy(args):
    session = boto3.session.Session(region_name=args.region)
    stacks = session.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    config_json = subprocess.run(
        [args.r2w, "web-config", "--sites-url", outputs["CdnUrl"],
         "--sites-domain", outputs.get("SitesDomain", ""),
         "--oauth-providers", outputs.get("OAuthProviders", ""),
         "--stripe-publishable-key", outputs.get("StripePublishableKey", "")],
        check=True, capture_output=True, text=True).stdout
    written = upload(session.client("s3"), outputs["AppBucketName"], args.dist, config_json)
    session.client("cloudfront").create_invalidation(
        DistributionId=outputs["AppDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
                           "CallerReference": f"r2w-{os.getpid()}-{len(written)}-{os.urandom(4).hex()}"})
    print(f"{len(written)} files in s3://{outputs['AppBucketName']}; the app is at {outputs.get('AppUrl', '?')}")


def self_test():
    endpoint = os.environ.get("R2W_TEST_AWS_ENDPOINT")
    if not endpoint:
        sys.exit("the self-test needs R2W_TEST_AWS_ENDPOINT (scripts/test.sh starts moto)")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    bucket = f"r2w-deploy-web-{os.urandom(4).hex()}"
    s3.create_bucket(Bucket=bucket)
    with tempfile.TemporaryDirectory() as dist:
        (Path(dist) / "assets").mkdir()
        (Path(dist) / "assets" / "index-3f9a.js").write_text("export {}")
        (Path(dist) / "assets" / "index-77c1.css").write_text("body{}")
        (Path(dist) / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-3f9a.js"></script>')
        written = upload(s3, bucket, dist, json.dumps({"sitesUrl": "https://sites.example/"}))
    assert written[-1] == "index.html" and written[-2] == "config.json", written
    expected = {"assets/index-3f9a.js": ("text/javascript; charset=utf-8", IMMUTABLE),
                "assets/index-77c1.css": ("text/css; charset=utf-8", IMMUTABLE),
                "config.json": ("application/json", "no-store"),
                "index.html": ("text/html; charset=utf-8", "no-cache")}
    for key, (content_type, cache) in expected.items():
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache), (key, head)
    config = json.loads(s3.get_object(Bucket=bucket, Key="config.json")["Body"].read())
    assert config == {"sitesUrl": "https://sites.example/"}, config
    print("deploy-web self-test: ok (assets immutable, config.json no-store, index.html no-cache and last)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack")
    parser.add_argument("--region")
    parser.add_argument("--dist", default=str(ROOT / "web" / "dist"))
    parser.add_argument("--r2w", default=str(ROOT / "target" / "debug" / "r2w"))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        self_test()
    elif args.stack:
        deploy(args)
    else:
        parser.error("--stack NAME (or --self-test)")


if __name__ == "__main__":
    main()
