"""kafka-python 2.0.2 driver for the compatibility suite (run with /usr/bin/python3)."""
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import CommitFailedError, KafkaError
from kafka.consumer.subscription_state import ConsumerRebalanceListener

from compat_io import StopFlag, emit, main

FAST = dict(request_timeout_ms=15000, api_version_auto_timeout_ms=5000, reconnect_backoff_max_ms=500)


def admin(req):
    return KafkaAdminClient(bootstrap_servers=req["bootstrap"], client_id="compat-kafka-python", **FAST)


def create_topic(req):
    a = admin(req)
    try:
        a.create_topics([NewTopic(req["topic"], num_partitions=req["partitions"], replication_factor=1)],
                        timeout_ms=10000)
    finally:
        a.close()
    return {"ok": True}


def partitions(req):
    c = KafkaConsumer(bootstrap_servers=req["bootstrap"], **FAST)
    try:
        deadline = time.time() + 10
        while True:
            parts = c.partitions_for_topic(req["topic"])
            if parts or time.time() > deadline:
                return {"partitions": sorted(parts or [])}
            time.sleep(0.2)
    finally:
        c.close()


def produce(req):
    p = KafkaProducer(bootstrap_servers=req["bootstrap"], acks="all", linger_ms=5, retries=3, **FAST)
    try:
        futures = [p.send(req["topic"], key=m["k"].encode(), value=m["v"].encode()) for m in req["messages"]]
        p.flush(timeout=15)
        acked = [f.get(timeout=15) for f in futures]
        return {"acked": len(acked)}
    finally:
        p.close(timeout=5)


def record(r):
    return {"p": r.partition, "o": r.offset, "k": r.key.decode() if r.key is not None else None,
            "v": r.value.decode() if r.value is not None else None}


def consume(req):
    c = KafkaConsumer(bootstrap_servers=req["bootstrap"], enable_auto_commit=False, auto_offset_reset="earliest",
                      **FAST)
    try:
        parts = None
        deadline = time.time() + req["timeoutS"]
        while not parts and time.time() < deadline:
            parts = c.partitions_for_topic(req["topic"])
        tps = [TopicPartition(req["topic"], p) for p in sorted(parts or [])]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        out = []
        while len(out) < req["count"] and time.time() < deadline:
            for batch in c.poll(timeout_ms=200).values():
                out.extend(record(r) for r in batch)
        return {"records": out}
    finally:
        c.close()


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        emit({"event": "revoked", "partitions": sorted(tp.partition for tp in revoked)})

    def on_partitions_assigned(self, assigned):
        emit({"event": "assigned", "partitions": sorted(tp.partition for tp in assigned)})


def member(req):
    """A group member: commits synchronously after every poll, then reports the records it committed."""
    flag = StopFlag()
    c = KafkaConsumer(bootstrap_servers=req["bootstrap"], group_id=req["group"], client_id="compat-kafka-python",
                      enable_auto_commit=False, auto_offset_reset="earliest", session_timeout_ms=6000,
                      heartbeat_interval_ms=500, max_poll_interval_ms=10000, **FAST)
    c.subscribe(topics=[req["topic"]], listener=Listener())
    emit({"event": "started"})
    while not flag.stop:
        batches = c.poll(timeout_ms=100)
        recs = [record(r) for batch in batches.values() for r in batch]
        if recs:
            try:
                c.commit()
            except (CommitFailedError, KafkaError) as e:
                # A rebalance started: the records stay uncommitted and go to their next owner; a real
                # application carries on polling, and so does this member.
                emit({"event": "error", "error": "commit failed: %s" % e})
                continue
            for r in recs:
                emit(dict(event="record", **r))
    c.close(autocommit=False)
    emit({"event": "closed"})
    return {"ok": True}


def admin_list(req):
    a = admin(req)
    try:
        return {"groups": [g[0] for g in a.list_consumer_groups()]}
    finally:
        a.close()


def admin_describe(req):
    a = admin(req)
    try:
        g = a.describe_consumer_groups([req["group"]])[0]
        return {"group": g.group, "state": g.state, "protocolType": g.protocol_type, "protocol": g.protocol,
                "members": [m.member_id for m in g.members], "errorCode": g.error_code}
    finally:
        a.close()


def admin_offsets(req):
    a = admin(req)
    try:
        offs = a.list_consumer_group_offsets(req["group"])
        return {"offsets": {str(tp.partition): om.offset for tp, om in offs.items() if tp.topic == req["topic"]}}
    finally:
        a.close()


def admin_delete(req):
    a = admin(req)
    try:
        res = a.delete_consumer_groups([req["group"]])
        errs = [str(e) for (_, e) in res if getattr(e, "errno", 0) != 0]
        if errs:
            raise RuntimeError("delete_consumer_groups: %s" % ", ".join(errs))
        return {"ok": True}
    finally:
        a.close()


if __name__ == "__main__":
    main({"create-topic": create_topic, "partitions": partitions, "produce": produce, "consume": consume,
          "member": member, "admin-list": admin_list, "admin-describe": admin_describe,
          "admin-offsets": admin_offsets, "admin-delete": admin_delete})
