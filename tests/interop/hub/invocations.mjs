// Invocations of /testhub methods and the errors they produce, server-to-client calls, and the
// connection's life cycle as the client sees it (id, stop, restart, the no-WebSockets endpoint).

import { deferred, expectEqual, expectRejects, expectTrue, Inbox } from './harness.mjs';

const TEXT = '你好，世界！ \u{1F600} "quoted" \\ back\\slash, tab\tand\nline break';

// The object the reference test hub's EchoComplexObject is called with, in each hub protocol: PascalCase
// keys, and the bytes and the UTC time as each protocol carries them. JSON has them as text (base64,
// ISO 8601); ASP.NET Core's MessagePack protocol (MessagePack-CSharp) has byte[] as bin, which the
// client reads as a Uint8Array, and DateTime as the timestamp extension, which it reads as a Date.
// A Guid is a string in both.
const COMPLEX = {
    json: {
        String: 'Hello, World!',
        IntArray: [1, 2, 3, 255],
        ByteArray: 'aGVsbG8=',
        Guid: '00010203-0405-0607-0706-050403020100',
        DateTime: '2002-04-01T10:20:15Z',
    },
    messagepack: {
        String: 'Hello, World!',
        IntArray: [1, 2, 3, 255],
        ByteArray: new Uint8Array([0x68, 0x65, 0x6c, 0x6c, 0x6f]),
        Guid: '00010203-0405-0607-0706-050403020100',
        DateTime: new Date('2002-04-01T10:20:15Z'),
    },
};

// What SendComplexObject returns, in each hub protocol.
const FIXED_COMPLEX = {
    json: {
        String: 'hello world',
        IntArray: [1, 2, 3],
        ByteArray: 'AQID',
        Guid: '00010203-0405-0607-0706-050403020100',
        DateTime: '2000-01-01T00:00:00Z',
    },
    messagepack: {
        String: 'hello world',
        IntArray: [1, 2, 3],
        ByteArray: new Uint8Array([1, 2, 3]),
        Guid: '00010203-0405-0607-0706-050403020100',
        DateTime: new Date('2000-01-01T00:00:00Z'),
    },
};

/** Rejects unless `connection` still answers an Echo. */
export async function expectUsable(connection, what = 'the connection') {
    expectEqual(await connection.invoke('Echo', 'still here'), 'still here', `Echo on ${what} afterwards`);
}

export default function define(test, ctx) {
    test('Echo returns its argument (Unicode, quotes, backslashes, control characters)', async () => {
        const c = await ctx.connected();
        expectEqual(await c.invoke('Echo', TEXT), TEXT, 'Echo result');
        expectEqual(await c.invoke('Echo', ''), '', 'Echo of an empty string');
    });

    test('hub method names match case-insensitively', async () => {
        const c = await ctx.connected();
        expectEqual(await c.invoke('echo', 'lower'), 'lower', "invoke('echo')");
        expectEqual(await c.invoke('ECHO', 'upper'), 'upper', "invoke('ECHO')");
        expectEqual(await c.invoke('eChO', 'mixed'), 'mixed', "invoke('eChO')");
    });

    test('bursts are delayed, not fatal: 17 and 100 concurrent Echo calls of 4,000 characters, 3 of 30,000', async () => {
        // The security review's F3: past 64 KiB of answers queued at once the connection used to be
        // aborted; as in ASP.NET Core, the caller is now paused until its answers are written.
        const c = await ctx.connected();
        for (const [count, size] of [[17, 4_000], [100, 4_000], [3, 30_000]]) {
            const texts = Array.from({ length: count }, (_, i) => `${i}:` + 'x'.repeat(size));
            const results = await Promise.all(texts.map((t) => c.invoke('Echo', t)));
            expectTrue(results.every((r, i) => r === texts[i]), `all ${count} Echo results of ${size} characters`);
        }
        await expectUsable(c);
    });

    test('Echo of a 20 000-character string', async () => {
        const c = await ctx.connected();
        const big = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(0x61 + (i % 26))).join('');
        expectEqual(await c.invoke('Echo', big), big, 'Echo result');
    });

    test('100 invocations in flight at once each get their own result', async () => {
        const c = await ctx.connected();
        const sent = Array.from({ length: 100 }, (_, i) => `call ${i}`);
        const results = await Promise.all(sent.map((s) => c.invoke('Echo', s)));
        expectEqual(results, sent, 'results in the order of the calls');
    });

    test('send() (no result expected) resolves, and later calls are answered', async () => {
        const c = await ctx.connected();
        expectEqual(await c.send('Echo', 'fire and forget'), undefined, 'send() result');
        expectEqual(await c.invoke('Echo', 'after send'), 'after send', 'Echo after send()');
    });

    test("InvokeWithString calls the caller's 'Message' handler (client handler names are case-insensitive)", async () => {
        const c = ctx.hub();
        const received = new Inbox();
        c.on('mEsSaGe', (...args) => received.push(args));
        await c.start();
        const message = '你好 SignalR！';
        expectEqual(await c.invoke('InvokeWithString', message), null, 'InvokeWithString result');
        expectEqual(await received.next("the 'Message' call"), [message], "arguments of 'Message'");
    });

    test("InvokeWithString through send() still reaches the caller's handler", async () => {
        const c = ctx.hub();
        const received = new Inbox();
        c.on('Message', (text) => received.push(text));
        await c.start();
        await c.send('InvokeWithString', 'sent without an id');
        expectEqual(await received.next("the 'Message' call"), 'sent without an id', "argument of 'Message'");
    });

    test("SendCustomObject calls the caller's 'CustomObject' handler with {Name, Value}", async () => {
        const c = ctx.hub();
        const received = new Inbox();
        c.on('CustomObject', (...args) => received.push(args));
        await c.start();
        await c.invoke('SendCustomObject', { Name: 'test', Value: 42 });
        expectEqual(await received.next("the 'CustomObject' call"), [{ Name: 'test', Value: 42 }],
            "arguments of 'CustomObject'");
    });

    const bytesAndTime = ctx.byProtocol({ json: 'base64 bytes, UTC time as text', messagepack: 'bin bytes, timestamp' });
    test(`EchoComplexObject returns the object unchanged (PascalCase keys, ${bytesAndTime})`, async () => {
        const c = await ctx.connected();
        const complex = ctx.byProtocol(COMPLEX);
        expectEqual(await c.invoke('EchoComplexObject', complex), complex, 'EchoComplexObject result');
    });

    test('SendComplexObject returns the fixed object', async () => {
        const c = await ctx.connected();
        expectEqual(await c.invoke('SendComplexObject'), ctx.byProtocol(FIXED_COMPLEX), 'SendComplexObject result');
    });

    test(`GetActiveTransportName answers '${ctx.transportName}'`, async () => {
        const c = await ctx.connected();
        expectEqual(await c.invoke('GetActiveTransportName'), ctx.transportName, 'transport name');
    });

    test("connectionId is the server's connection id while connected, null before and after", async () => {
        const c = ctx.hub();
        expectEqual(c.connectionId, null, 'connectionId before start()');
        await c.start();
        expectEqual(c.state, 'Connected', 'state after start()');
        expectTrue(typeof c.connectionId === 'string' && c.connectionId.length > 0,
            `connectionId after start() is a non-empty string (got ${JSON.stringify(c.connectionId)})`);
        expectEqual(await c.invoke('GetCallerConnectionId'), c.connectionId, 'GetCallerConnectionId');
        await c.stop();
        expectEqual(c.connectionId, null, 'connectionId after stop()');
        expectEqual(c.state, 'Disconnected', 'state after stop()');
    });

    test('two connections get different ids', async () => {
        const a = await ctx.connected();
        const b = await ctx.connected();
        const idA = await a.invoke('GetCallerConnectionId');
        const idB = await b.invoke('GetCallerConnectionId');
        expectTrue(idA !== idB, `the ids differ (both ${JSON.stringify(idA)})`);
    });

    test('stop() closes without an error (onclose gets undefined)', async () => {
        const c = ctx.hub();
        const closed = deferred();
        c.onclose((error) => closed.resolve(error));
        await c.start();
        await c.invoke('Echo', 'x');
        await c.stop();
        expectEqual(await closed.promise, undefined, 'onclose argument');
    });

    test('a stopped connection starts again with a new id and keeps its handlers', async () => {
        const c = ctx.hub();
        const received = new Inbox();
        c.on('Message', (text) => received.push(text));
        await c.start();
        const first = c.connectionId;
        await c.invoke('InvokeWithString', 'first');
        expectEqual(await received.next("'Message' on the first connection"), 'first', 'first message');
        await c.stop();
        await c.start();
        expectTrue(c.connectionId !== first, 'the restarted connection has a new id');
        expectEqual(await c.invoke('GetCallerConnectionId'), c.connectionId, 'GetCallerConnectionId after restart');
        await c.invoke('InvokeWithString', 'second');
        expectEqual(await received.next("'Message' on the restarted connection"), 'second', 'second message');
    });

    // Errors, worded as ASP.NET Core words them with detailed errors on (DefaultHubDispatcher.cs,
    // ErrorMessageHelper.cs, JsonHubProtocol.cs in dotnet/aspnetcore src/SignalR).

    test('ThrowException: the error names the method and the exception', async () => {
        const c = await ctx.connected();
        await expectRejects(c.invoke('ThrowException', 'An error occurred.'),
            "An unexpected error occurred invoking 'ThrowException' on the server. InvalidOperationException: An error occurred.",
            'ThrowException');
        await expectUsable(c);
    });

    test('an error names the method as the hub declares it, in whatever case the client called it', async () => {
        // (ASP.NET Core 10 does; an unknown method keeps the client's spelling, below.)
        const c = await ctx.connected();
        await expectRejects(c.invoke('throwEXCEPTION', 'spelled differently'),
            "An unexpected error occurred invoking 'ThrowException' on the server. InvalidOperationException: spelled differently",
            'throwEXCEPTION');
    });

    test('an unknown method is refused', async () => {
        const c = await ctx.connected();
        await expectRejects(c.invoke('NoSuchMethod', 1, 2),
            "Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist.",
            'NoSuchMethod');
        await expectUsable(c);
    });

    test('too many arguments are refused', async () => {
        const c = await ctx.connected();
        await expectRejects(c.invoke('Echo', 'one', 'two'),
            "Failed to invoke 'Echo' due to an error on the server. InvalidDataException: Invocation provides 2 argument(s) but target expects 1.",
            'Echo with two arguments');
        await expectUsable(c);
    });

    test('too few arguments are refused', async () => {
        const c = await ctx.connected();
        await expectRejects(c.invoke('Echo'),
            "Failed to invoke 'Echo' due to an error on the server. InvalidDataException: Invocation provides 0 argument(s) but target expects 1.",
            'Echo without arguments');
        await expectUsable(c);
    });

    test('an argument of the wrong type is refused', async () => {
        const c = await ctx.connected();
        const binding = "Failed to invoke 'Echo' due to an error on the server. InvalidDataException: Error binding " +
            'arguments. Make sure that the types of the provided values match the types of the hub method being invoked.';
        await expectRejects(c.invoke('Echo', 42), binding, 'Echo(42)');
        await expectRejects(c.invoke('Echo', { text: 'x' }), binding, 'Echo({text})');
        await expectRejects(c.invoke('Echo', ['x']), binding, "Echo(['x'])");
        await expectUsable(c);
    });

    // HubConnectionHandler.cs: the receive loop throws on a message over MaximumReceiveMessageSize
    // (32 KiB by default), and the connection is closed with a Close message carrying the error.
    test('a message over 32 KiB closes the connection with the size error', async () => {
        const c = ctx.hub();
        const closed = deferred();
        c.onclose((error) => closed.resolve(error));
        await c.start();
        const expected = 'Server returned an error on close: Connection closed with an error. InvalidDataException: ' +
            'The maximum message size of 32768B was exceeded. The message size can be configured in AddHubOptions.';
        await expectRejects(c.invoke('Echo', 'x'.repeat(40_000)), expected, 'Echo of 40 000 characters');
        const error = await closed.promise;
        expectEqual(error && error.message, expected, 'the onclose error');
        expectEqual(c.state, 'Disconnected', 'state');
    });

    // The server ended the last connection itself (above). Node's HTTP agent keeps sockets alive and
    // reuses them, so this checks the server left its side of them usable (as Kestrel does).
    test('a new connection starts right after the server closed one', async () => {
        const a = ctx.hub();
        const closed = deferred();
        a.onclose((error) => closed.resolve(error));
        await a.start();
        await a.invoke('Echo', 'x'.repeat(40_000)).catch(() => {});
        await closed.promise;
        const b = await ctx.connected();
        await expectUsable(b, 'the new connection');
    });

    test('errors and results of calls in flight together reach the right callers', async () => {
        const c = await ctx.connected();
        const calls = [];
        for (let i = 0; i < 20; ++i) {
            calls.push(i % 2 === 0
                ? c.invoke('Echo', `ok ${i}`).then((r) => ({ result: r }))
                : c.invoke('ThrowException', `bad ${i}`).then((r) => ({ result: r }), (e) => ({ error: e.message })));
        }
        const outcomes = await Promise.all(calls);
        const expected = Array.from({ length: 20 }, (_, i) => (i % 2 === 0
            ? { result: `ok ${i}` }
            : { error: `An unexpected error occurred invoking 'ThrowException' on the server. InvalidOperationException: bad ${i}` }));
        expectEqual(outcomes, expected, 'outcomes');
    });

    // /testhub-nowebsockets offers Server-Sent Events and long polling only.
    if (ctx.transportName === 'WebSockets') {
        test('/testhub-nowebsockets refuses a client that allows WebSockets only', async () => {
            const c = ctx.hub('/testhub-nowebsockets');
            await expectRejects(c.start(),
                'Unable to connect to the server with any of the available transports. ' +
                "ServerSentEvents failed: Error: 'ServerSentEvents' is disabled by the client. " +
                "LongPolling failed: Error: 'LongPolling' is disabled by the client.",
                'start()');
        });

        // The client skips Server-Sent Events (text only) for a binary protocol, as MessagePack is.
        const fallback = ctx.byProtocol({ json: 'ServerSentEvents', messagepack: 'LongPolling' });
        test(`/testhub-nowebsockets: a client allowing every transport ends up on ${fallback}`, async () => {
            const c = await ctx.connected('/testhub-nowebsockets', { transport: undefined });
            expectEqual(await c.invoke('GetActiveTransportName'), fallback, 'transport name');
        });
    } else {
        test(`/testhub-nowebsockets serves ${ctx.transportName}`, async () => {
            const c = await ctx.connected('/testhub-nowebsockets');
            expectEqual(await c.invoke('GetActiveTransportName'), ctx.transportName, 'transport name');
            expectEqual(await c.invoke('Echo', TEXT), TEXT, 'Echo result');
        });
    }
}
