#!/usr/bin/env python3
"""Writes the seed corpus of hub_protocol_fuzzer (corpus/hub_protocol_fuzzer/): valid messages of every
type, handshakes, batches and splits, and the malformed inputs the unit tests name. Each file is
  <mode byte><payload>
where mode byte % 4 picks the entry point (0: handshake request, 1: handshake response, 2: reader,
3: reader with a 256-byte limit) and mode byte // 4 + 1 is the piece size for the reader.
Run it again after changing the seeds. The folder also holds found-<sha1>: inputs libFuzzer found
to reach new code, kept (minimized with -merge=1) so that the regression run covers what fuzzing
reached; and regression-<what>: inputs that once crashed."""

import hashlib
import pathlib

RS = '\x1e'
HANDSHAKE = '{"protocol":"json","version":1}' + RS
MESSAGES = [
    '{"type":1,"invocationId":"1","target":"echo","arguments":["hello"]}',
    '{"type":1,"target":"add","arguments":[1,2]}',
    '{"type":1,"invocationId":"2","target":"take","arguments":[{"Name":"n","points":[1.5,2],"tags":{"a":1}},"AQID","2000-01-01T00:00:00Z"]}',
    '{"type":1,"invocationId":"3","target":"raw","arguments":[{"deep":[[[1]]]}]}',
    '{"type":1,"invocationId":"4","target":"fail","arguments":[true]}',
    '{"type":4,"invocationId":"5","target":"counter","arguments":[3]}',
    '{"type":1,"invocationId":"6","target":"upload","arguments":[],"streamIds":["s1"]}',
    '{"type":2,"invocationId":"s1","item":7}',
    '{"type":3,"invocationId":"s1"}',
    '{"type":3,"invocationId":"7","result":{"a":null}}',
    '{"type":3,"invocationId":"8","error":"boom"}',
    '{"type":5,"invocationId":"5"}',
    '{"type":6}',
    '{"type":7,"error":"bye","allowReconnect":true}',
    '{"type":8,"sequenceId":12}',
    '{"type":9,"sequenceId":1}',
    '{"arguments":[1],"target":"echo","headers":{"traceparent":"00-x"},"type":1,"future":[1,{"x":2}]}',
    '{"type":99,"x":1}',
]
MALFORMED = [
    '{', '[]', '"x"', '{"type":"1"}', '{"type":1}', '{"type":1,"target":"x","arguments":{}}',
    '{"type":3,"invocationId":"1","error":"e","result":1}', '{"type":1,"target":"x","arguments":[],"streamIds":[null]}',
    '{"type":1,"target":"x","arguments":[],"headers":{"a":1}}', '{"type":8}', '\xff', '[' * 80 + ']' * 80,
]


def seeds():
    everything = HANDSHAKE + RS.join(MESSAGES) + RS
    yield 0, '{"protocol":"json","version":1}'
    yield 0, '{"version":2,"protocol":"messagepack"}'
    yield 0, '{"protocol":"json"}'
    yield 1, '{}'
    yield 1, '{"error":"The protocol \'x\' is not supported."}'
    yield 1, '{"type":6}'
    for piece in (1, 3, 64):
        yield 2 + 4 * (piece - 1), everything
    yield 3, everything
    for m in MESSAGES:
        yield 2 + 4 * 15, HANDSHAKE + m + RS
    for m in MALFORMED:
        yield 2 + 4 * 7, HANDSHAKE + m + RS
    yield 3, HANDSHAKE + '{"type":1,"target":"echo","arguments":["' + 'x' * 400 + '"]}' + RS


def main():
    out = pathlib.Path(__file__).resolve().parent / 'corpus' / 'hub_protocol_fuzzer'
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for mode, text in seeds():
        data = bytes([mode]) + text.encode('utf-8', 'surrogateescape')
        (out / ('seed-' + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)
        count += 1
    print('wrote %d seeds to %s' % (count, out))


if __name__ == '__main__':
    main()
