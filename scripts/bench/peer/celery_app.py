"""Celery's side of the peer bench: the same task as ours (insert one row, an inbox for
idempotence), on the same RabbitMQ (a quorum queue of its own) and the same Postgres.

Started by scripts/bench/peer/section.ts on Debian's python3-celery and python3-psycopg2:
  /usr/bin/python3 -m celery -A celery_app worker --pool prefork --concurrency 4 ...
Env: PEER_BROKER_URL, PEER_DATABASE_URL, PEER_QUEUE.
"""
import os
import warnings

import psycopg2
from celery import Celery
from celery.platforms import SecurityWarning
from kombu import Exchange, Queue
from kombu.transport import pyamqp

# Celery 5.2 asks RabbitMQ (>= 3.3) for a channel-wide (global) prefetch, which quorum queues
# refuse. With one consumer on the channel a per-consumer prefetch is the same limit; Celery 5.5
# does the same when it finds quorum queues (worker_detect_quorum_queues).
pyamqp.Transport.qos_semantics_matches_spec = lambda self, connection: True

# Containers and CI often run as root; the warning would fill the bench's console each run.
warnings.simplefilter("ignore", SecurityWarning)

QUEUE = os.environ["PEER_QUEUE"]

app = Celery("peer", broker=os.environ["PEER_BROKER_URL"])
app.conf.update(
    # The queue the bench declared and filled: durable, quorum, as our driver declares them.
    task_queues=[
        Queue(QUEUE, Exchange(QUEUE, "direct"), routing_key=QUEUE, queue_arguments={"x-queue-type": "quorum"})
    ],
    task_default_queue=QUEUE,
    # Ack after the task ran, as ours acks after the commit; 10 unacked messages per pool process.
    task_acks_late=True,
    worker_prefetch_multiplier=10,
    task_ignore_result=True,
    # No broadcast queues, events or logs per task: the bench measures the task path only.
    worker_enable_remote_control=False,
    worker_send_task_events=False,
    worker_hijack_root_logger=False,
    worker_redirect_stdouts=False,
)

_connection = None


def connection():
    """One connection per pool process, opened in the process itself (never shared over fork)."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["PEER_DATABASE_URL"])
    return _connection


@app.task(name="peer.insert_effect", bind=True)
def insert_effect(self, n):
    """BEGIN; claim the message in the inbox (a redelivery is skipped); write the effect; COMMIT."""
    db = connection()
    with db, db.cursor() as cursor:  # commits on success, rolls back on an exception
        cursor.execute(
            "insert into celery_inbox (message_id, queue, kind) values (%s, %s, %s) on conflict do nothing",
            (self.request.id, QUEUE, "peer.insert_effect"),
        )
        if cursor.rowcount == 0:
            return
        cursor.execute("insert into celery_effects (message_id, n) values (%s, %s)", (self.request.id, n))
