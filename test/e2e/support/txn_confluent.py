"""Issue 16 acceptance with confluent-kafka-python (librdkafka): consume-process-produce with
send_offsets_to_transaction, one batch aborted and redone, then a read_committed read of the output.
Prints one JSON line: {"out": [...values...], "committed": offset, "errors": [...]}."""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, KafkaException

bootstrap, in_topic, out_topic, group = sys.argv[1:5]
errors = []

plain = Producer({'bootstrap.servers': bootstrap})
for i in range(30):
    plain.produce(in_topic, value=('in-%d' % i).encode())
plain.flush(10)

consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False,
                     'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
consumer.subscribe([in_topic])
producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'confluent-cpp', 'transaction.timeout.ms': 30000})
producer.init_transactions(15)

processed = 0
batches = 0
aborted_once = False
deadline = time.time() + 40
while processed < 30 and time.time() < deadline:
    msgs = consumer.consume(10, 1.0)
    msgs = [m for m in msgs if m.error() is None]
    if not msgs:
        continue
    producer.begin_transaction()
    for m in msgs:
        producer.produce(out_topic, value=m.value().decode().replace('in-', 'out-').encode())
    positions = consumer.position(consumer.assignment())
    producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 10)
    batches += 1
    if batches == 2 and not aborted_once:
        aborted_once = True
        producer.abort_transaction(10)
        # Rewind to the committed position: the aborted batch is processed again.
        committed = consumer.committed(consumer.assignment(), 10)
        for tp in committed:
            consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else 0))
        continue
    producer.commit_transaction(10)
    processed += len(msgs)
committed = consumer.committed([TopicPartition(in_topic, 0)], 10)[0].offset
consumer.close()

reader = Consumer({'bootstrap.servers': bootstrap, 'group.id': group + '-reader', 'auto.offset.reset': 'earliest',
                   'isolation.level': 'read_committed', 'enable.auto.commit': False})
reader.subscribe([out_topic])
out = []
idle_since = time.time()
while time.time() - idle_since < 3 and time.time() < deadline + 20:
    m = reader.poll(0.2)
    if m is None:
        continue
    if m.error() is not None:
        errors.append(str(m.error()))
        continue
    out.append(m.value().decode())
    idle_since = time.time()
reader.close()
print(json.dumps({'out': out, 'committed': committed, 'aborted_once': aborted_once, 'errors': errors}))
