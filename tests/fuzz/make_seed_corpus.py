#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (corpus/<target>/). Each file is <mode byte><payload>,
the mode byte choosing what each target does with the payload (see the target's source):
- hub_protocol_fuzzer: valid messages of every type, handshakes, batches and splits, and the malformed
  inputs the unit tests name; mode % 4 picks the entry point (0: handshake request, 1: handshake
  response, 2: reader, 3: reader with a 256-byte limit), mode // 4 + 1 is the piece size;
- http_parser_fuzzer: requests and responses, chunked and pipelined, and smuggling attempts;
- websocket_frame_fuzzer: masked and unmasked frames of every kind, fragments and violations;
- msgpack_reader_fuzzer (no mode byte): the hub messages of the MessagePack protocol, values of every
  format at their length edges, timestamps in their three layouts, deep nesting and truncations;
- messagepack_hub_protocol_fuzzer: MessagePack hub messages of every type and shape, and the malformed
  ones the unit tests name; an even mode gives the payload to parse() as one message body, an odd one
  feeds it through the framing (mode & 2: a 256-byte limit) in pieces of mode // 4 + 1 bytes.
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


HTTP = [
    'GET /chat?id=abc HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    'POST /chat/negotiate?negotiateVersion=1 HTTP/1.1\r\nContent-Length: 0\r\n\r\n',
    'POST /chat?id=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: v\r\n\r\n'
    'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc',
    'GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n',
]
HTTP_RESPONSES = [
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}',
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    'HTTP/1.0 404 Not Found\r\n\r\nbody until close',
]


def frame(opcode, payload, fin=True, mask=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + n.to_bytes(2, 'big')
    else:
        head += bytes([bit | 127]) + n.to_bytes(8, 'big')
    if not mask:
        return head + payload
    key = bytes([0x37, 0xfa, 0x21, 0x3d])
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def websocket_seeds():
    yield 0, frame(1, b'hello') + frame(2, bytes(range(200))) + frame(9, b'ping') + frame(8, b'\x03\xe8bye')
    yield 8, frame(1, b'frag', fin=False) + frame(10, b'') + frame(0, b'ment')
    yield 1, frame(1, b'from the server', mask=False) + frame(8, b'', mask=False)
    yield 2, frame(1, b'x' * 100)
    yield 0, frame(1, b'\xff\xfe') + frame(0, b'orphan')
    yield 0, frame(9, b'p' * 126) + frame(8, b'\x03')


def msgpack_str(text):
    data = text.encode('utf-8')
    if len(data) <= 31:
        return bytes([0xa0 | len(data)]) + data
    return (b'\xd9' + bytes([len(data)]) if len(data) <= 255 else b'\xda' + len(data).to_bytes(2, 'big')) + data


def msgpack_seeds():
    no_headers = b'\x80'
    # Invocation, StreamInvocation (with stream ids), StreamItem, Completions of each kind, Cancel, Ping,
    # Close, Ack, Sequence (reference 2.11).
    yield None, b'\x96\x01' + no_headers + msgpack_str('1') + msgpack_str('Echo') + b'\x91' + msgpack_str('hello') + b'\x90'
    yield None, b'\x96\x01\x81' + msgpack_str('k') + msgpack_str('v') + b'\xc0' + msgpack_str('Add') + b'\x92\x01\x02\x90'
    yield None, b'\x96\x04' + no_headers + msgpack_str('2') + msgpack_str('Counter') + b'\x91\x03\x91' + msgpack_str('s1')
    yield None, b'\x94\x02' + no_headers + msgpack_str('s1') + b'\xcb\x3f\xf8' + bytes(6)
    yield None, b'\x95\x03' + no_headers + msgpack_str('3') + b'\x01' + msgpack_str('boom')
    yield None, b'\x94\x03' + no_headers + msgpack_str('4') + b'\x02'
    yield None, b'\x95\x03' + no_headers + msgpack_str('5') + b'\x03\x82' + msgpack_str('Name') + msgpack_str('n') + msgpack_str('When') + b'\xd6\xff\x00\x00\x00\x01'
    yield None, b'\x93\x05' + no_headers + msgpack_str('2')
    yield None, b'\x91\x06'
    yield None, b'\x93\x07' + msgpack_str('Server closed') + b'\xc3'
    yield None, b'\x92\x08\x01'
    yield None, b'\x92\x09\xcd\x01\x00'
    # Every integer form at its edges, floats, booleans, nil.
    yield None, bytes.fromhex('00 7f cc 80 cc ff cd 01 00 cd ff ff ce 00 01 00 00 cf 00 00 00 01 00 00 00 00 '
                              'ff e0 d0 df d0 80 d1 ff 7f d2 ff ff 7f ff d3 80 00 00 00 00 00 00 00 '
                              'ca 3f c0 00 00 cb 7f f0 00 00 00 00 00 00 c0 c2 c3')
    # Strings, binary and extensions in each length form.
    yield None, msgpack_str('x' * 31) + msgpack_str('y' * 32) + msgpack_str('z' * 256)
    yield None, b'\xc4\x03abc\xc5\x00\x02ab\xc6\x00\x00\x00\x01a'
    yield None, b'\xd4\x05a\xd5\x05ab\xd8\x05' + bytes(16) + b'\xc7\x03\x05abc\xc8\x00\x01\x05a\xc9\x00\x00\x00\x00\x05'
    # Timestamps: 32-, 64- and 96-bit, and nanoseconds out of range.
    yield None, b'\xd6\xff\xff\xff\xff\xff\xd7\xff\x00\x00\x00\x04\x00\x00\x00\x01'
    yield None, b'\xc7\x0c\xff\x00\x00\x01\xf4' + b'\xff' * 8 + b'\xd7\xff\xee\x6b\x28\x00\x00\x00\x00\x00'
    # Maps and arrays in their 16- and 32-bit forms, deep nesting, and counts the bytes cannot hold.
    yield None, b'\xdc\x00\x02\x01\x02\xdd\x00\x00\x00\x01\xc0\xde\x00\x01\xa1k\xa1v\xdf\x00\x00\x00\x00'
    yield None, b'\x91' * 200 + b'\xc0'
    yield None, b'\xdd\xff\xff\xff\xff\x00'
    yield None, b'\x93\x01\xc1\x02'
    yield None, b'\xdb\xff\xff\xff\xff'


def varint(n):
    out = b''
    while True:
        byte = n & 0x7f
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def messagepack_hub_seeds():
    s = msgpack_str
    headers = b'\x82' + s('traceparent') + s('00-ab') + s('k') + s('v')
    bodies = [
        # Every message type (HubProtocol.md's examples and the reference's layouts).
        b'\x96\x01\x80' + s('xyz') + s('method') + b'\x91\x2a\x90',
        b'\x96\x01\x80\xc0' + s('method') + b'\x91\x2a\x90',
        b'\x96\x01' + headers + s('xyz') + s('method') + b'\x92\x2a' + s('a') + b'\x92' + s('s1') + s('s2'),
        b'\x95\x01\x80\xc0' + s('method') + b'\x90',  # an older client: no streamIds
        b'\x96\x04\x80' + s('xyz') + s('method') + b'\x91\x2a\x91' + s('1'),
        b'\x94\x02\x80' + s('xyz') + b'\x82' + s('a') + b'\x92\xc0\xc3' + s('b') + b'\xcb' + bytes(8),
        b'\x95\x03\x80' + s('xyz') + b'\x01' + s('Error'),
        b'\x94\x03' + headers + s('xyz') + b'\x02',
        b'\x95\x03\x80' + s('xyz') + b'\x03\x2a',
        b'\x95\x03\x80' + s('xyz') + b'\x03\xc0',
        b'\x93\x05\x80' + s('xyz'),
        b'\x91\x06',
        b'\x92\x07' + s('xyz'),
        b'\x93\x07\xc0\xc3',
        b'\x92\x08\xcc\x24',
        b'\x92\x09\xcf' + b'\x7f' + b'\xff' * 7,
        b'\x92\x0a\xc0',  # a type from a newer protocol
        b'\x98\x01\x80' + s('xyz') + s('method') + b'\x90\x90\xc3' + s('ex'),  # more items than read
        # Malformed: each the reference reports with its own text.
        b'', b'\x91', b'\xc1', b'\x91\xa3foo', b'\x92\x01\xa3foo', b'\x92\x01\x82\x2a\xa3foo',
        b'\x96\x01\x82' + s('a') + s('b') + s('a') + s('c') + b'\xc0' + s('m') + b'\x90\x90',
        b'\x96\x01\x81\xa0' + s('v') + b'\xc0' + s('m') + b'\x90\x90',
        b'\x95\x01\x80' + s('abc') + b'\xa0\x90', b'\x96\x04\x80\xc0' + s('m') + b'\x90\x90',
        b'\x96\x01\x80\xc0' + s('m') + b'\x92\x01', b'\x96\x01\x80\xc0' + s('m') + b'\x91\xc1\x90',
        b'\x96\x01\x80\xc0' + s('m') + b'\x90\x91\xc0', b'\x96\x01\x80\xc0' + s('m') + b'\x90\x91\x2a',
        b'\x95\x03\x80' + s('xyz') + b'\x2a', b'\x95\x03\x80' + s('xyz') + b'\x03\x92\xc1',
        b'\x93\x07\xc0' + s('no'), b'\x92\x08' + s('1'), b'\x94\x02\x80' + s('x') + b'\xdd\xff\xff\xff\xff',
        b'\x93\x05\x80\xa1\xff',  # not UTF-8
    ]
    for body in bodies:
        yield 0, body
    stream = b''.join(varint(len(b)) + b for b in bodies[:18])
    for piece in (1, 2, 7, 64):
        yield 1 + 4 * (piece - 1), stream
    yield 3, stream + varint(300) + b'\x91' + b'\x06' * 299
    yield 1, b'\xff\xff\xff\xff\x08'
    yield 1, varint(2) + b'\x91\x06' + b'\x80\x80'


def write(target, seeds):
    """Writes each (mode, payload) seed: the mode byte, when there is one, then the payload."""
    out = pathlib.Path(__file__).resolve().parent / 'corpus' / target
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for mode, payload in seeds:
        if isinstance(payload, str):
            payload = payload.encode('utf-8', 'surrogateescape')
        data = (bytes([mode]) if mode is not None else b'') + payload
        (out / ('seed-' + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)
        count += 1
    print('wrote %d seeds to %s' % (count, out))


def main():
    write('hub_protocol_fuzzer', seeds())
    write('http_parser_fuzzer', [(m, t) for t in HTTP for m in (0, 2, 4 * 3)] +
                                [(m, t) for t in HTTP_RESPONSES for m in (1, 1 + 0x80, 3 + 4 * 5)])
    write('websocket_frame_fuzzer', websocket_seeds())
    write('msgpack_reader_fuzzer', msgpack_seeds())
    write('messagepack_hub_protocol_fuzzer', messagepack_hub_seeds())


if __name__ == '__main__':
    main()
