"""moto_server with DynamoDB requests served one at a time.

moto runs each request on its own thread, and its TransactWriteItems rolls a cancelled transaction back by
restoring a copy of every table it touched, taken before it began: a write another thread made meanwhile is
lost. DynamoDB itself is serialisable per item, so concurrent orders against one product (the oversell test)
need that guarantee here too. Every other service keeps moto's threads (SQS long polls must not block).
Arguments are moto_server's own (-H 127.0.0.1 -p 0).
"""
import sys
import threading

from moto.dynamodb.responses import DynamoHandler
from moto.server import main

_lock = threading.RLock()
_call_action = DynamoHandler.call_action


def _serialised(self):
    with _lock:
        return _call_action(self)


DynamoHandler.call_action = _serialised

if __name__ == "__main__":
    main(sys.argv[1:])
