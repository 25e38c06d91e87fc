"""Starts librdkafka's in-process mock cluster (a reference peer used to check the suite itself), prints
its bootstrap address as JSON and lives until SIGTERM."""
import time

from confluent_kafka import Producer

from compat_io import StopFlag, emit

if __name__ == "__main__":
    flag = StopFlag()
    logs = []

    class Sink:
        def log(self, *args):
            logs.append(args)

    p = Producer({"test.mock.num.brokers": 1, "debug": "mock", "logger": Sink()})
    # The mock logs its listener address once at start-up; nothing else tells a client where it is.
    bootstrap = None
    deadline = time.time() + 5
    while bootstrap is None and time.time() < deadline:
        p.poll(0.1)
        for entry in logs:
            text = " ".join(str(x) for x in entry)
            if "bootstrap.servers=" in text:
                bootstrap = text.split("bootstrap.servers=")[1].split()[0]
    emit({"bootstrap": bootstrap})
    while not flag.stop:
        time.sleep(0.1)
