"""T-SEC-3 driver for confluent-kafka and kafka-python (run with /usr/bin/python3).

Usage: python_client.py <confluent|kafka-python> '<json request>'
round: produce `values`, consume them in `group` (from committed offsets, else earliest), commit, print JSON.
probe: connect only, print the error text (wrong password / wrong CA tests).
"""
import json
import sys
import time


def confluent(req):
    from confluent_kafka import Consumer, Producer, TopicPartition
    conf = dict(req["conf"])
    errors = []
    if req["op"] == "probe":
        # librdkafka reports authentication and TLS failures through error_cb, served by poll().
        p = Producer(dict(conf, error_cb=lambda e: errors.append(str(e))))
        deadline = time.time() + 4
        while time.time() < deadline and not errors:
            p.poll(0.2)
        try:
            p.list_topics(timeout=1)
            return {"ok": not errors, "errors": errors}
        except Exception as e:  # noqa: BLE001 - the error text is the result
            return {"ok": False, "errors": errors + [str(e)]}
    p = Producer(conf)
    for v in req["values"]:
        p.produce(req["topic"], v.encode())
    if p.flush(15) != 0:
        return {"error": "produce not acknowledged"}
    c = Consumer(dict(conf, **{"group.id": req["group"], "auto.offset.reset": "earliest", "enable.auto.commit": False}))
    c.subscribe([req["topic"]])
    got = []
    deadline = time.time() + 20
    while len(got) < len(req["values"]) and time.time() < deadline:
        m = c.poll(0.3)
        if m is not None and m.error() is None:
            got.append(m.value().decode())
    c.commit(asynchronous=False)
    committed = c.committed([TopicPartition(req["topic"], 0)], timeout=10)[0].offset
    c.close()
    return {"consumed": got, "committed": committed}


def kafka_python(req):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    conf = dict(req["conf"], request_timeout_ms=15000)
    if req["op"] != "probe":
        conf["api_version_auto_timeout_ms"] = 5000
    if req["op"] == "probe":
        # kafka-python hides the cause behind NoBrokersAvailable; its log says what failed.
        import io
        import logging
        log = io.StringIO()
        logging.getLogger("kafka").addHandler(logging.StreamHandler(log))
        logging.getLogger("kafka").setLevel(logging.WARNING)
        try:
            KafkaProducer(**dict(conf, api_version_auto_timeout_ms=3000)).close()
            return {"ok": True, "errors": []}
        except Exception as e:  # noqa: BLE001
            return {"ok": False, "errors": ["%s: %s" % (type(e).__name__, e), log.getvalue()[:2000]]}
    p = KafkaProducer(acks="all", **conf)
    for v in req["values"]:
        p.send(req["topic"], v.encode())
    p.flush(15)
    p.close()
    c = KafkaConsumer(req["topic"], group_id=req["group"], auto_offset_reset="earliest", enable_auto_commit=False, **conf)
    got = []
    deadline = time.time() + 20
    while len(got) < len(req["values"]) and time.time() < deadline:
        for batch in c.poll(timeout_ms=300).values():
            got.extend(r.value.decode() for r in batch)
    c.commit()
    committed = c.committed(TopicPartition(req["topic"], 0))
    c.close()
    return {"consumed": got, "committed": committed}


if __name__ == "__main__":
    lib, request = sys.argv[1], json.loads(sys.argv[2])
    result = confluent(request) if lib == "confluent" else kafka_python(request)
    print(json.dumps(result), flush=True)
