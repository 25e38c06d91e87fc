"""JSON in, JSON out for the compatibility drivers: one request object in argv[1], one JSON object per
stdout line, the last line being the result. A member process streams events until SIGTERM."""
import json
import signal
import sys
import traceback


def emit(obj):
    """Writes one JSON line and flushes, so the Node harness sees it at once."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class StopFlag:
    """Set by SIGTERM/SIGINT: a member finishes its poll, closes its consumer (LeaveGroup) and exits."""

    def __init__(self):
        self.stop = False
        signal.signal(signal.SIGTERM, self._set)
        signal.signal(signal.SIGINT, self._set)

    def _set(self, *_):
        self.stop = True


def main(ops):
    """Dispatches argv[1] (a JSON request with an "op") to ops[op]; prints its result or the error."""
    try:
        req = json.loads(sys.argv[1])
        op = ops.get(req["op"])
        if op is None:
            emit({"error": "unknown op %s" % req["op"]})
            sys.exit(2)
        result = op(req)
        emit({"result": result})
    except Exception as e:  # the harness reports the message as the cell's failure reason
        emit({"error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()[-2000:]})
        sys.exit(1)
