// Interop test of signalrpp's transports against real Node clients: WebSocket through `ws`,
// Server-Sent Events through `eventsource`, long polling through Node's built-in fetch.
//
//   node tests/interop/transports.mjs <path to raw-echo-server>
//   SIGNALRPP_INTEROP_SERVER=reference node tests/interop/transports.mjs <path to reference-server>
//
// Starts the echo server (`--port 0`, first stdout line "listening on ws://127.0.0.1:PORT" or
// "listening on http://127.0.0.1:PORT"), runs every check against its /echo, prints one TAP-like line per
// check ("ok - ..." / "not ok - ...") and a summary, stops the server, and exits non-zero if any check
// failed or the whole run took more than 60 s.
//
// Against the ASP.NET Core reference (tests/reference: /echo is a ConnectionHandler that writes back
// what it reads) the checks that rely on what our persistent connections add to the transports are not
// run, each with its reason below; the echoes are then compared as a byte stream.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import EventSource from 'eventsource';
import WebSocket from 'ws';

import { check as checkWithin, expectEqual, fail, refusedHandshake, runAgainst, scriptArguments, ServerProcess, summary,
    withTimeout } from './support.mjs';

const GLOBAL_TIMEOUT_MS = 60_000;
const CHECK_TIMEOUT_MS = 10_000;

const [serverPath] = scriptArguments('node transports.mjs <path to raw-echo-server>');
const server = new ServerProcess(serverPath, ['--port', '0'],
    { listening: /^listening on ((?:ws|http):\/\/127\.0\.0\.1:\d+)$/, startMs: 20_000 });

const check = (name, body, options) => checkWithin(name, body, CHECK_TIMEOUT_MS, options);

// Where ASP.NET Core's connections differ from ours by design: the reasons those checks are not run.
const againstReference = process.env.SIGNALRPP_INTEROP_SERVER === 'reference';
const byteStream = againstReference;
const NOT_APPLICABLE = {
    opcodes: againstReference && 'ASP.NET Core writes every message of a connection in its one transfer format '
        + '(text unless the handler sets ITransferFormatFeature.ActiveFormat), so binary comes back as text',
    boundaries: againstReference && 'an ASP.NET Core connection is a byte stream: the echo comes back in the '
        + 'pieces the handler read, not as the messages sent',
    sizeLimit: againstReference && 'ASP.NET Core sets no message size limit on a connection handler '
        + '(its transport buffer sizes pause reading, they refuse nothing)',
};

// ---------------------------------------------------------------------------------------------
// Helpers

// A WebSocket with its received messages queued, so a test can await them in order.
class Peer {
    constructor(url) {
        this.ws = new WebSocket(url);
        this.queue = [];
        this.waiters = [];
        this.closed = new Promise((resolve) => {
            this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
        });
        this.ws.on('message', (data, isBinary) => {
            const message = { data: Buffer.isBuffer(data) ? data : Buffer.concat(data), isBinary };
            const waiter = this.waiters.shift();
            if (waiter) waiter(message);
            else this.queue.push(message);
        });
        this.ws.on('error', () => {}); // reported through 'close' / 'unexpected-response' / open()
    }

    open() {
        return new Promise((resolve, reject) => {
            this.ws.once('open', resolve);
            this.ws.once('error', (e) => reject(new Error(`WebSocket error: ${e.message}`)));
            this.ws.once('unexpected-response', (req, res) => {
                reject(new Error(`handshake answered HTTP ${res.statusCode}`));
                req.destroy();
            });
        });
    }

    next() {
        if (this.queue.length) return Promise.resolve(this.queue.shift());
        return new Promise((resolve) => this.waiters.push(resolve));
    }

    // The echo of `payload`: one message, or with `asStream` as many as it takes to make up its length.
    async expectEcho(payload, isBinary, what, { asStream = false } = {}) {
        const expected = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
        const pieces = [];
        let length = 0;
        do {
            const m = await withTimeout(this.next(), CHECK_TIMEOUT_MS, `the echo of ${what}`);
            expectEqual(m.isBinary, isBinary, `opcode of the echo of ${what} (isBinary)`);
            pieces.push(m.data);
            length += m.data.length;
        } while (asStream && length < expected.length);
        const data = Buffer.concat(pieces);
        if (!data.equals(expected)) {
            fail(`echo of ${what}: expected ${expected.length} bytes, got ${data.length} bytes with different content`);
        }
    }

    close() {
        if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    }
}

async function negotiate(base) {
    const res = await fetch(`${base}/negotiate?negotiateVersion=1`, { method: 'POST' });
    expectEqual(res.status, 200, 'negotiate status');
    const body = await res.json();
    expectEqual(body.negotiateVersion, 1, 'negotiateVersion');
    if (typeof body.connectionId !== 'string' || !body.connectionId) fail('negotiate: no connectionId');
    if (typeof body.connectionToken !== 'string' || !body.connectionToken) fail('negotiate: no connectionToken');
    if (!Array.isArray(body.availableTransports)) fail('negotiate: availableTransports is not an array');
    return body.connectionToken;
}

async function post(url, body) {
    const res = await fetch(url, { method: 'POST', body });
    return { status: res.status, body: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// Checks

async function webSocketChecks(port) {
    const wsBase = `ws://127.0.0.1:${port}/echo`;
    const httpBase = `http://127.0.0.1:${port}/echo`;

    const peer = new Peer(wsBase);
    let opened = false;
    await check('WebSocket: connect without id', async () => {
        await withTimeout(peer.open(), CHECK_TIMEOUT_MS, 'the WebSocket to open');
        opened = true;
    });
    if (!opened) {
        peer.close();
        return;
    }

    await check('WebSocket: text message echoed as text', async () => {
        peer.ws.send('hello, signalrpp \u00e9\u{1F600}');
        await peer.expectEcho('hello, signalrpp \u00e9\u{1F600}', false, 'a text message');
    });

    await check('WebSocket: binary message echoed as binary', async () => {
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        peer.ws.send(bytes);
        await peer.expectEcho(bytes, true, 'a binary message');
    }, { notApplicable: NOT_APPLICABLE.opcodes });

    // One at a time: the server's send limit (64 KiB queued and unwritten) takes one message larger than
    // itself only when nothing else is queued, and aborts the connection otherwise.
    await check('WebSocket: 200 KB text message echoed', async () => {
        const text = 'x'.repeat(100) + randomBytes(150 * 1024).toString('base64').slice(0, 200 * 1024 - 100);
        peer.ws.send(text);
        await peer.expectEcho(text, false, 'a 200 KB text message', { asStream: byteStream });
    });

    await check('WebSocket: 200 KB binary message echoed as binary', async () => {
        const bytes = randomBytes(200 * 1024);
        peer.ws.send(bytes);
        await peer.expectEcho(bytes, true, 'a 200 KB binary message');
    }, { notApplicable: NOT_APPLICABLE.opcodes });

    await check('WebSocket: 1000 pipelined text messages echoed in order', async () => {
        const sent = Array.from({ length: 1000 }, (_, i) => `text ${i};`);
        for (const message of sent) peer.ws.send(message);
        if (byteStream) {
            await peer.expectEcho(sent.join(''), false, '1000 pipelined text messages', { asStream: true });
        } else {
            for (let i = 0; i < sent.length; ++i) await peer.expectEcho(sent[i], false, `pipelined message #${i}`);
        }
    });

    await check('WebSocket: 1000 pipelined small messages echoed in order with their opcodes', async () => {
        const sent = [];
        for (let i = 0; i < 1000; ++i) {
            const message = i % 2 === 0 ? `message ${i}` : Buffer.from(`binary ${i}`);
            sent.push(message);
            peer.ws.send(message);
        }
        for (let i = 0; i < sent.length; ++i) {
            await peer.expectEcho(sent[i], Buffer.isBuffer(sent[i]), `pipelined message #${i}`);
        }
    }, { notApplicable: NOT_APPLICABLE.opcodes || NOT_APPLICABLE.boundaries });

    await check('WebSocket: ping answered by pong with the same payload', async () => {
        const pong = new Promise((resolve) => peer.ws.once('pong', resolve));
        peer.ws.ping(Buffer.from('are you there'));
        const data = await withTimeout(pong, CHECK_TIMEOUT_MS, 'the pong');
        expectEqual(data.toString(), 'are you there', 'pong payload');
    });

    // ASP.NET Core answers a peer's close with 1000 (NormalClosure), whatever code the peer sent.
    await check("WebSocket: close(4000, 'bye') answered with close code 1000", async () => {
        peer.ws.close(4000, 'bye');
        const { code } = await withTimeout(peer.closed, CHECK_TIMEOUT_MS, 'the close event');
        expectEqual(code, 1000, 'close code');
    });
    peer.close();

    await check('WebSocket: message over 1 MB closes with 1009', async () => {
        const big = new Peer(wsBase);
        try {
            await withTimeout(big.open(), CHECK_TIMEOUT_MS, 'the WebSocket to open');
            big.ws.send(randomBytes(1536 * 1024));
            const { code } = await withTimeout(big.closed, CHECK_TIMEOUT_MS, 'the close event');
            expectEqual(code, 1009, 'close code');
        } finally {
            big.close();
        }
    }, { notApplicable: NOT_APPLICABLE.sizeLimit });

    let token = null;
    const negotiated = { peer: null };
    await check('WebSocket: negotiated connection (?id=<token>) echoes', async () => {
        token = await negotiate(httpBase);
        negotiated.peer = new Peer(`${wsBase}?id=${encodeURIComponent(token)}`);
        await withTimeout(negotiated.peer.open(), CHECK_TIMEOUT_MS, 'the WebSocket to open');
        negotiated.peer.ws.send('negotiated');
        await negotiated.peer.expectEcho('negotiated', false, 'a message on the negotiated connection');
    });

    await check('WebSocket: second socket with the same id refused with 409', async () => {
        if (!token) fail('no negotiated connection (previous check failed)');
        const { status } = await withTimeout(refusedHandshake(`${wsBase}?id=${encodeURIComponent(token)}`),
            CHECK_TIMEOUT_MS, 'the handshake answer');
        expectEqual(status, 409, 'HTTP status');
        // The first socket is unaffected.
        negotiated.peer.ws.send('still here');
        await negotiated.peer.expectEcho('still here', false, 'a message on the first socket');
    });
    if (negotiated.peer) {
        negotiated.peer.ws.close(1000);
        await withTimeout(negotiated.peer.closed, 2000, 'close').catch(() => {});
        negotiated.peer.close();
    }

    await check('WebSocket: unknown id refused with 404', async () => {
        const { status } = await withTimeout(refusedHandshake(`${wsBase}?id=no-such-connection`),
            CHECK_TIMEOUT_MS, 'the handshake answer');
        expectEqual(status, 404, 'HTTP status');
    });
}

async function serverSentEventsChecks(port) {
    const base = `http://127.0.0.1:${port}/echo`;

    await check('SSE: response head and first comment', async () => {
        const token = await negotiate(base);
        const abort = new AbortController();
        try {
            const res = await fetch(`${base}?id=${encodeURIComponent(token)}`, {
                headers: { Accept: 'text/event-stream' },
                signal: abort.signal,
            });
            expectEqual(res.status, 200, 'status');
            expectEqual(res.headers.get('content-type'), 'text/event-stream', 'Content-Type');
            expectEqual(res.headers.get('cache-control'), 'no-cache,no-store', 'Cache-Control');
            const reader = res.body.getReader();
            let received = '';
            const decoder = new TextDecoder();
            while (received.length < 3) {
                const { value, done } = await reader.read();
                if (done) break;
                received += decoder.decode(value, { stream: true });
            }
            expectEqual(received.slice(0, 3), ':\r\n', 'start of the stream');
        } finally {
            abort.abort();
        }
    });

    let token = null;
    let source = null;
    const events = [];
    let eventWaiter = null;
    await check('SSE: EventSource opens on a negotiated connection', async () => {
        token = await negotiate(base);
        source = new EventSource(`${base}?id=${encodeURIComponent(token)}`);
        source.onmessage = (e) => {
            events.push(e.data);
            if (eventWaiter) eventWaiter();
        };
        await withTimeout(new Promise((resolve, reject) => {
            source.onopen = resolve;
            source.onerror = (e) => reject(new Error(`EventSource error: ${e.status ?? ''} ${e.message ?? ''}`));
        }), CHECK_TIMEOUT_MS, 'the EventSource to open');
        source.onerror = null;
    });

    const waitForEvents = (count) => withTimeout(new Promise((resolve) => {
        const test = () => {
            if (events.length >= count) {
                eventWaiter = null;
                resolve();
            }
        };
        eventWaiter = test;
        test();
    }), CHECK_TIMEOUT_MS, `${count} message events`);

    await check('SSE: two POSTed messages come back as message events', async () => {
        if (!source) fail('no EventSource (previous check failed)');
        const url = `${base}?id=${encodeURIComponent(token)}`;
        const first = await post(url, 'first message');
        expectEqual(first.status, 200, 'status of the first POST');
        const second = await post(url, '{"type":1,"target":"x","arguments":[]}\u001e');
        expectEqual(second.status, 200, 'status of the second POST');
        await waitForEvents(2);
        expectEqual(events[0], 'first message', 'first event data');
        expectEqual(events[1], '{"type":1,"target":"x","arguments":[]}\u001e', 'second event data');
    });

    await check('SSE: a message with line breaks comes back whole', async () => {
        if (!source) fail('no EventSource (previous check failed)');
        const res = await post(`${base}?id=${encodeURIComponent(token)}`, 'line one\nline two\nline three');
        expectEqual(res.status, 200, 'status of the POST');
        await waitForEvents(3);
        expectEqual(events[2], 'line one\nline two\nline three', 'event data');
    });

    await check('SSE: closing the EventSource ends the connection (POST then gets 404)', async () => {
        if (!source) fail('no EventSource (previous check failed)');
        source.close();
        expectEqual(source.readyState, EventSource.CLOSED, 'EventSource readyState');
        const url = `${base}?id=${encodeURIComponent(token)}`;
        const deadline = Date.now() + 2000;
        let last;
        for (;;) {
            last = await post(url, 'after close');
            if (last.status === 404 || Date.now() >= deadline) break;
            await sleep(50);
        }
        expectEqual(last.status, 404, 'status of a POST 2 s after the EventSource closed');
    });
    if (source) source.close();
}

async function longPollingChecks(port) {
    const base = `http://127.0.0.1:${port}/echo`;
    let url = null;

    await check('Long polling: first poll answers 200 with an empty body', async () => {
        const token = await negotiate(base);
        url = `${base}?id=${encodeURIComponent(token)}`;
        const res = await fetch(url);
        expectEqual(res.status, 200, 'status');
        expectEqual(await res.text(), '', 'body');
    });

    await check('Long polling: two POSTed messages come back together in the next poll', async () => {
        if (!url) fail('no connection (previous check failed)');
        const a = await post(url, 'a\u001e');
        expectEqual(a.status, 200, "status of POST 'a'");
        const b = await post(url, 'b\u001e');
        expectEqual(b.status, 200, "status of POST 'b'");
        const res = await fetch(url);
        expectEqual(res.status, 200, 'poll status');
        expectEqual(res.headers.get('content-type'), 'application/octet-stream', 'Content-Type');
        expectEqual(await res.text(), 'a\u001eb\u001e', 'polled body');
    });

    await check('Long polling: a newer poll supersedes the pending one (204), and gets the next message', async () => {
        if (!url) fail('no connection (previous check failed)');
        const older = fetch(url);
        await sleep(200);
        const newer = fetch(url);
        const olderRes = await withTimeout(older, 5000, 'the superseded poll');
        expectEqual(olderRes.status, 204, 'status of the superseded poll');
        await olderRes.text();
        await sleep(100);
        const c = await post(url, 'c\u001e');
        expectEqual(c.status, 200, "status of POST 'c'");
        const newerRes = await withTimeout(newer, 5000, 'the newer poll');
        expectEqual(newerRes.status, 200, 'status of the newer poll');
        expectEqual(await newerRes.text(), 'c\u001e', 'body of the newer poll');
    });

    await check('Long polling: DELETE answers 202 and the pending poll returns 204', async () => {
        if (!url) fail('no connection (previous check failed)');
        const pending = fetch(url);
        await sleep(200);
        const del = await fetch(url, { method: 'DELETE' });
        expectEqual(del.status, 202, 'DELETE status');
        await del.text();
        const res = await withTimeout(pending, 5000, 'the pending poll');
        expectEqual(res.status, 204, 'pending poll status');
        await res.text();
    });

    await check('Long polling: after DELETE the connection is gone (404)', async () => {
        if (!url) fail('no connection (previous check failed)');
        const res = await fetch(url);
        expectEqual(res.status, 404, 'poll status');
        await res.text();
    });

    await check("Long polling: poll without id answers 400 'Connection ID required'", async () => {
        const res = await fetch(base);
        expectEqual(res.status, 400, 'status');
        expectEqual(await res.text(), 'Connection ID required', 'body');
    });

    await check("Long polling: POST without id answers 400 'Connection ID required'", async () => {
        const res = await post(base, 'x');
        expectEqual(res.status, 400, 'status');
        expectEqual(res.body, 'Connection ID required', 'body');
    });

    await check("Long polling: poll with an unknown id answers 404 'No Connection with that ID'", async () => {
        const res = await fetch(`${base}?id=no-such-connection`);
        expectEqual(res.status, 404, 'status');
        expectEqual(await res.text(), 'No Connection with that ID', 'body');
    });

    await check("Long polling: POST with an unknown id answers 404 'No Connection with that ID'", async () => {
        const res = await post(`${base}?id=no-such-connection`, 'x');
        expectEqual(res.status, 404, 'status');
        expectEqual(res.body, 'No Connection with that ID', 'body');
    });
}

// ---------------------------------------------------------------------------------------------

async function main() {
    console.log(`# server ${serverPath} listening on port ${server.port}`);
    await webSocketChecks(server.port);
    await serverSentEventsChecks(server.port);
    await longPollingChecks(server.port);
    await check('server exits with status 0 on SIGTERM', () => server.stopWithStatusZero(5000));
    return summary();
}

runAgainst(server, main, { ms: GLOBAL_TIMEOUT_MS });
