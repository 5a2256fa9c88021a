// /echo, a persistent connection that sends back every message unchanged, through the client's
// HttpConnection (the connection layer under HubConnection, without the hub protocol), through
// /echoredirect (HTTP 307 to /echo), and as a direct WebSocket without negotiate.

import WebSocket from 'ws';

import { deferred, expectEqual, expectTrue, Inbox, signalR, withTimeout } from './harness.mjs';

// Why the binary echo over WebSockets does not apply to the ASP.NET Core reference: a ConnectionHandler
// is not told whether a frame was text or binary, and its WebSocket sends every message in the
// connection's one active format (text unless the handler sets it), so bytes that are not UTF-8 come
// back in a text frame the client rejects. Our /echo answers each frame in its own type.
const FRAME_TYPES_UNSEEN = 'a ConnectionHandler does not see frame types, and ASP.NET Core answers in one format';

/**
 * Reads text from `inbox` until it adds up to `expected`. Messages may arrive merged (a long poll
 * answers with everything queued, and a raw connection has no framing), so this compares the sum.
 */
async function expectText(inbox, expected, what) {
    let received = '';
    while (received.length < expected.length) {
        const data = await inbox.next(what);
        expectTrue(typeof data === 'string', `${what}: received text (got ${Object.prototype.toString.call(data)})`);
        received += data;
    }
    expectEqual(received, expected, what);
}

async function expectBytes(inbox, expected, what) {
    const parts = [];
    let length = 0;
    while (length < expected.length) {
        const data = await inbox.next(what);
        expectTrue(data instanceof ArrayBuffer, `${what}: received an ArrayBuffer (got ${Object.prototype.toString.call(data)})`);
        parts.push(Buffer.from(data));
        length += data.byteLength;
    }
    expectTrue(Buffer.concat(parts).equals(Buffer.from(expected)), `${what}: the bytes came back unchanged`);
}

export default function define(hubTest, ctx) {
    const { TransferFormat } = signalR;
    // None of these speaks a hub protocol: they run whichever the run's is.
    const test = (name, body, options = {}) => hubTest(name, body, { needsRunHub: false, ...options });

    /** A started HttpConnection to `path` (stopped after the test), and the Inbox of what it receives. */
    async function started(path = '/echo', format = TransferFormat.Text, options = {}) {
        const c = ctx.rawConnection(path, options);
        const inbox = new Inbox();
        c.onreceive = (data) => inbox.push(data);
        await c.start(format);
        return { c, inbox };
    }

    test('HttpConnection to /echo: a text message comes back unchanged', async () => {
        const { c, inbox } = await started();
        expectTrue(typeof c.connectionId === 'string' && c.connectionId.length > 0, 'the connection has an id');
        const message = 'Hello World! 你好 \u{1F600} {"type":1}\u001e';
        await c.send(message);
        await expectText(inbox, message, 'the echo');
    });

    test('HttpConnection to /echo: 50 messages come back in order', async () => {
        const { c, inbox } = await started();
        let all = '';
        for (let i = 0; i < 50; ++i) {
            const message = `<message ${i}>`;
            all += message;
            await c.send(message);
        }
        await expectText(inbox, all, 'the echoes');
    });

    test('HttpConnection to /echo: a 100 KB message comes back unchanged', async () => {
        const { c, inbox } = await started();
        const message = Array.from({ length: 100 * 1024 }, (_, i) => String.fromCharCode(0x41 + (i % 58))).join('');
        await c.send(message);
        await expectText(inbox, message, 'the echo');
    });

    if (ctx.transportName !== 'ServerSentEvents') { // Server-Sent Events carry text only
        test('HttpConnection to /echo in binary: bytes 0..255 come back unchanged', async () => {
            const { c, inbox } = await started('/echo', TransferFormat.Binary);
            const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
            await c.send(bytes.buffer.slice(0));
            await expectBytes(inbox, bytes, 'the echo');
        }, { notApplicable: ctx.againstReference && ctx.transportName === 'WebSockets' && FRAME_TYPES_UNSEEN });
    }

    /** Opens an HttpConnection to `path`, checks that `message` comes back, stops, and expects onclose without an error. */
    async function expectEchoThenCleanStop(path, message) {
        const { c, inbox } = await started(path);
        const closed = deferred();
        c.onclose = (error) => closed.resolve(error);
        await c.send(message);
        await expectText(inbox, message, 'the echo');
        await c.stop();
        expectEqual(await withTimeout(closed.promise, 5_000, 'onclose'), undefined, 'onclose argument');
    }

    test('HttpConnection to /echo: stop() closes without an error', () => expectEchoThenCleanStop('/echo', 'before stop'));

    if (ctx.transportName !== 'WebSockets') {
        // The client's WebSocket (the ws package) does not follow redirects, so this runs over the
        // transports whose requests go through fetch (which follows 307) and EventSource (which does too).
        test('HttpConnection to /echoredirect follows the 307s to /echo',
            () => expectEchoThenCleanStop('/echoredirect', 'Hello World!'));
    }

    test('/echoredirect answers 307 with an absolute Location on /echo, keeping the rest of the URL', async () => {
        const res = await fetch(`${ctx.base}/echoredirect/negotiate?negotiateVersion=1`, { method: 'POST', redirect: 'manual' });
        expectEqual(res.status, 307, 'status');
        expectEqual(res.headers.get('location'), `${ctx.base}/echo/negotiate?negotiateVersion=1`, 'Location');
        await res.body?.cancel();
    });

    if (ctx.transportName === 'WebSockets') {
        test('HttpConnection with skipNegotiation opens /echo as a direct WebSocket', async () => {
            const { c, inbox } = await started('/echo', TransferFormat.Text, { skipNegotiation: true });
            await c.send('direct');
            await expectText(inbox, 'direct', 'the echo');
        });

        test('a plain WebSocket to /echo (no negotiate) echoes text and binary, and closes cleanly', async () => {
            const ws = new WebSocket(`${ctx.base.replace(/^http/, 'ws')}/echo`);
            const messages = new Inbox();
            const closed = deferred();
            ws.on('message', (data, isBinary) => messages.push({ data: Buffer.from(data), isBinary }));
            ws.on('close', (code) => closed.resolve(code));
            ws.on('error', () => {});
            try {
                await withTimeout(new Promise((resolve, reject) => {
                    ws.once('open', resolve);
                    ws.once('error', reject);
                }), 5_000, 'the WebSocket to open');
                ws.send('message');
                const text = await messages.next('the text echo');
                expectEqual([text.data.toString(), text.isBinary], ['message', false], 'text echo (data, isBinary)');
                ws.send(Buffer.from([0, 1, 2, 255]));
                const binary = await messages.next('the binary echo');
                expectEqual([[...binary.data], binary.isBinary], [[0, 1, 2, 255], true], 'binary echo (data, isBinary)');
                ws.close(1000);
                expectEqual(await withTimeout(closed.promise, 5_000, 'the close'), 1000, 'close code');
            } finally {
                ws.terminate();
            }
        }, { notApplicable: ctx.againstReference && FRAME_TYPES_UNSEEN });
    }
}
