"""confluent-kafka 1.7.0 (librdkafka 2.0.2) driver for the compatibility suite (run with /usr/bin/python3)."""
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from compat_io import StopFlag, emit, main


def base(req):
    return {"bootstrap.servers": req["bootstrap"], "client.id": "compat-confluent-kafka",
            "reconnect.backoff.max.ms": 500, "socket.timeout.ms": 15000}


def create_topic(req):
    a = AdminClient(base(req))
    fs = a.create_topics([NewTopic(req["topic"], num_partitions=req["partitions"], replication_factor=1)],
                         operation_timeout=10, request_timeout=15)
    for f in fs.values():
        f.result(timeout=15)
    return {"ok": True}


def partitions(req):
    md = AdminClient(base(req)).list_topics(topic=req["topic"], timeout=10)
    t = md.topics.get(req["topic"])
    if t is None or t.error is not None:
        raise KafkaException(t.error if t is not None else "topic missing from metadata")
    return {"partitions": sorted(t.partitions.keys())}


def produce(req):
    p = Producer(dict(base(req), **{"acks": "all", "linger.ms": 5, "message.timeout.ms": 15000}))
    errors = []
    acked = [0]

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(str(err))
        else:
            acked[0] += 1

    for m in req["messages"]:
        p.produce(req["topic"], key=m["k"].encode(), value=m["v"].encode(), on_delivery=on_delivery)
        p.poll(0)
    left = p.flush(20)
    if errors or left:
        raise RuntimeError("delivery failed: %s (%d undelivered)" % (", ".join(sorted(set(errors))), left))
    return {"acked": acked[0]}


def record(m):
    return {"p": m.partition(), "o": m.offset(), "k": m.key().decode() if m.key() is not None else None,
            "v": m.value().decode() if m.value() is not None else None}


def consume(req):
    c = Consumer(dict(base(req), **{"group.id": "compat-assign-only", "enable.auto.commit": False}))
    try:
        md = c.list_topics(topic=req["topic"], timeout=10)
        parts = sorted(md.topics[req["topic"]].partitions.keys())
        c.assign([TopicPartition(req["topic"], p, OFFSET_BEGINNING) for p in parts])
        out = []
        deadline = time.time() + req["timeoutS"]
        while len(out) < req["count"] and time.time() < deadline:
            for m in c.consume(num_messages=500, timeout=0.2):
                if m.error() is None:
                    out.append(record(m))
        return {"records": out}
    finally:
        c.close()


def member(req):
    """A group member: commits synchronously after every batch, then reports the records it committed."""
    flag = StopFlag()
    c = Consumer(dict(base(req), **{"group.id": req["group"], "enable.auto.commit": False,
                                    "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                                    "heartbeat.interval.ms": 500, "max.poll.interval.ms": 10000}))

    def on_assign(_c, parts):
        emit({"event": "assigned", "partitions": sorted(tp.partition for tp in parts)})

    def on_revoke(_c, parts):
        emit({"event": "revoked", "partitions": sorted(tp.partition for tp in parts)})

    c.subscribe([req["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    emit({"event": "started"})
    while not flag.stop:
        msgs = c.consume(num_messages=500, timeout=0.1)
        recs = []
        for m in msgs:
            if m.error() is None:
                recs.append(record(m))
            elif m.error().code() != -191:  # _PARTITION_EOF is not an error
                emit({"event": "error", "error": str(m.error())})
        if recs:
            try:
                c.commit(asynchronous=False)
            except KafkaException as e:
                # A rebalance started: the records stay uncommitted and go to their next owner; a real
                # application carries on polling, and so does this member.
                emit({"event": "error", "error": "commit failed: %s" % e})
                continue
            for r in recs:
                emit(dict(event="record", **r))
    c.close()
    emit({"event": "closed"})
    return {"ok": True}


def group_info(g):
    return {"group": g.id, "state": g.state, "protocolType": g.protocol_type, "protocol": g.protocol,
            "members": [m.id for m in g.members], "errorCode": g.error.code() if g.error else 0}


def admin_list(req):
    return {"groups": [g.id for g in AdminClient(base(req)).list_groups(timeout=10)]}


def admin_describe(req):
    gs = AdminClient(base(req)).list_groups(group=req["group"], timeout=10)
    if not gs:
        raise RuntimeError("group %s not described" % req["group"])
    return group_info(gs[0])


def admin_offsets(req):
    c = Consumer(dict(base(req), **{"group.id": req["group"], "enable.auto.commit": False}))
    try:
        md = c.list_topics(topic=req["topic"], timeout=10)
        parts = sorted(md.topics[req["topic"]].partitions.keys())
        got = c.committed([TopicPartition(req["topic"], p) for p in parts], timeout=10)
        return {"offsets": {str(tp.partition): tp.offset for tp in got if tp.offset >= 0}}
    finally:
        c.close()


if __name__ == "__main__":
    main({"create-topic": create_topic, "partitions": partitions, "produce": produce, "consume": consume,
          "member": member, "admin-list": admin_list, "admin-describe": admin_describe,
          "admin-offsets": admin_offsets})
