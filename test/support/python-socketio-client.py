"""A third-party Socket.IO client against the lab: Debian's python3-socketio.

Joins the namespace /feed over one Engine.IO transport (websocket or polling)
with ?client=ID, prints one JSON line per step on stdout for the test:
  {"step": "hello", "hello": {...}, "transport": "..."}
  {"step": "events", "seqs": [...]}            once `count` feed events arrived
  {"step": "ack", "ack": {...}}                the answer to a publish with an ack
Run by /usr/bin/python3 (Debian's packages), not a python3 first on PATH.
Usage: python-socketio-client.py URL TRANSPORT CLIENT_ID COUNT
"""
import json
import sys
import threading

import socketio

url, transport, client_id, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seqs = []
hello = threading.Event()
enough = threading.Event()
sio = socketio.Client(reconnection=False)


def say(line):
    print(json.dumps(line), flush=True)


@sio.on('hello', namespace='/feed')
def on_hello(message, *offset):
    say({'step': 'hello', 'hello': message, 'transport': sio.transport()})
    hello.set()


@sio.on('feed', namespace='/feed')
def on_feed(event, *offset):
    # Live events carry connection state recovery's offset as a last argument: ignored here.
    seqs.append(event['seq'])
    if len(seqs) == count:
        enough.set()


sio.connect(f'{url}?client={client_id}', namespaces=['/feed'], transports=[transport], wait_timeout=5)
if not hello.wait(10):
    say({'step': 'error', 'error': 'no hello'})
    sys.exit(1)
if not enough.wait(15):
    say({'step': 'error', 'error': f'only {len(seqs)} events'})
    sys.exit(1)
say({'step': 'events', 'seqs': seqs[:count]})
ack = sio.call('publish', {'id': 'py-1', 'data': {'from': 'python'}}, namespace='/feed', timeout=10)
say({'step': 'ack', 'ack': ack, 'transport': sio.transport()})
sio.disconnect()
