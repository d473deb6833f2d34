"""Acme Insights worker.

Every minute: pick up sealed WAL segments that ingest shipped to S3 and COPY them
into Postgres. Every night at 02:00 UTC: rebuild the daily rollup tables.
"""

import gzip
import json
import logging
import os
import time

import boto3
import psycopg
import schedule

log = logging.getLogger("worker")
BUCKET = os.environ.get("EVENTS_BUCKET", "acme-insights-events-prod")
s3 = boto3.client("s3")


def connect() -> psycopg.Connection:
    return psycopg.connect(
        host=os.environ["DATABASE_HOST"],
        user=os.environ.get("DATABASE_USER", "worker"),
        password=os.environ["DATABASE_PASSWORD"],
        dbname="insights",
    )


def load_segments() -> None:
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix="wal/sealed/")
    for obj in listing.get("Contents", []):
        body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
        rows = [json.loads(line) for line in gzip.decompress(body).splitlines()]
        with connect() as conn, conn.cursor() as cur:
            with cur.copy("COPY events (workspace_id, name, user_id, occurred_at, properties) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((r["workspace_id"], r["event"], r["user_id"], r["timestamp"], json.dumps(r["properties"])))
        s3.copy_object(Bucket=BUCKET, Key=obj["Key"].replace("sealed/", "loaded/"),
                       CopySource={"Bucket": BUCKET, "Key": obj["Key"]})
        s3.delete_object(Bucket=BUCKET, Key=obj["Key"])
        log.info("loaded %s (%d events)", obj["Key"], len(rows))


def nightly_rollups() -> None:
    with connect() as conn:
        conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_event_counts")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    schedule.every(1).minutes.do(load_segments)
    schedule.every().day.at("02:00").do(nightly_rollups)
    while True:
        schedule.run_pending()
        time.sleep(5)
