// What the client's connection options and the server's HTTP answers do: headers and cookies the
// hub sees, skipping negotiation, negotiate redirects, and negotiate failures.

import { createRequire } from 'node:module';

import { expectEqual, expectRejects, expectTrue, signalR } from './harness.mjs';
import { expectUsable } from './invocations.mjs';

const require = createRequire(import.meta.url);
const { getUserAgentHeader } = require('@microsoft/signalr/dist/cjs/Utils');

/** An HttpClient whose requests all carry `cookie` (the client's own cookie jar stays empty). */
class CookieHttpClient extends signalR.DefaultHttpClient {
    constructor(logger, cookie) {
        super(logger);
        this.cookie = cookie;
    }

    send(request) {
        request.headers = { ...request.headers, Cookie: this.cookie };
        return super.send(request);
    }

    getCookieString() {
        return this.cookie;
    }
}

export default function define(test, ctx) {
    test("the hub sees the client's User-Agent header", async () => {
        const c = await ctx.connected();
        const [name, value] = getUserAgentHeader();
        expectEqual(name, 'User-Agent', 'the header the client uses under Node');
        expectEqual(await c.invoke('GetHeader', 'User-Agent'), value, 'GetHeader(User-Agent)');
    });

    test("headers from the 'headers' option reach the hub, overriding the client's own", async () => {
        const c = await ctx.connected('/testhub', { headers: { 'User-Agent': 'Custom Agent', 'X-HEADER': 'VALUE' } });
        expectEqual(await c.invoke('GetHeader', 'User-Agent'), 'Custom Agent', 'GetHeader(User-Agent)');
        expectEqual(await c.invoke('GetHeader', 'X-HEADER'), 'VALUE', 'GetHeader(X-HEADER)');
        expectEqual(await c.invoke('GetHeader', 'x-header'), 'VALUE', 'GetHeader(x-header): names are case-insensitive');
    });

    test('GetHeader of a header the client did not send is null', async () => {
        const c = await ctx.connected();
        expectEqual(await c.invoke('GetHeader', 'X-Not-Sent'), null, 'GetHeader(X-Not-Sent)');
    });

    test("cookies in the 'headers' option reach the hub", async () => {
        const c = await ctx.connected('/testhub', { headers: { Cookie: 'testCookie=testValue; testCookie2=testValue2' } });
        expectEqual(await c.invoke('GetCookie', 'testCookie'), 'testValue', 'GetCookie(testCookie)');
        expectEqual(await c.invoke('GetCookie', 'testCookie2'), 'testValue2', 'GetCookie(testCookie2)');
        expectEqual(await c.invoke('GetCookie', 'expiredCookie'), null, 'GetCookie(expiredCookie)');
    });

    // ASP.NET Core keeps request cookies in a case-insensitive dictionary (RequestCookieCollection.cs).
    test('cookie names match case-insensitively', async () => {
        const c = await ctx.connected('/testhub', { headers: { Cookie: 'testCookie=testValue' } });
        expectEqual(await c.invoke('GetCookie', 'TESTCOOKIE'), 'testValue', 'GetCookie(TESTCOOKIE)');
    });

    // ASP.NET Core unescapes cookie values (RequestCookieCollection; its RequestCookiesCollectionTests).
    test("cookies from a custom HttpClient's cookie string reach the hub, values unescaped", async () => {
        const httpClient = new CookieHttpClient(ctx.logger, 'first=1; base64=QUI%2BREU%2FRw%3D%3D');
        const c = await ctx.connected('/testhub', { httpClient });
        expectEqual(await c.invoke('GetCookie', 'first'), '1', 'GetCookie(first)');
        expectEqual(await c.invoke('GetCookie', 'base64'), 'QUI+REU/Rw==', 'GetCookie(base64)');
        expectEqual(await c.invoke('GetCookie', 'third'), null, 'GetCookie(third)');
    });

    if (ctx.transportName === 'WebSockets') {
        test('skipNegotiation: a direct WebSocket connection works, with no client-side connection id', async () => {
            const c = await ctx.connected('/testhub', { skipNegotiation: true });
            expectEqual(c.connectionId, null, 'connectionId');
            expectEqual(await c.invoke('Echo', 'no negotiate'), 'no negotiate', 'Echo result');
            expectEqual(await c.invoke('GetActiveTransportName'), 'WebSockets', 'transport name');
            const id = await c.invoke('GetCallerConnectionId');
            expectTrue(typeof id === 'string' && id.length > 0, `the server gave the connection an id (got ${JSON.stringify(id)})`);
        });

        test('skipNegotiation: headers and server-to-client calls work too', async () => {
            const received = [];
            const c = ctx.hub('/testhub', { skipNegotiation: true, headers: { 'X-HEADER': 'direct' } });
            c.on('Message', (text) => received.push(text));
            await c.start();
            expectEqual(await c.invoke('GetHeader', 'X-HEADER'), 'direct', 'GetHeader(X-HEADER)');
            await c.invoke('InvokeWithString', 'to a direct connection');
            await c.invoke('Echo', 'barrier'); // the Message call was sent before this answer
            expectEqual(received, ['to a direct connection'], "'Message' calls received");
        });
    }

    test('a negotiate redirect (/redirect) leads to /testhub, and its query reaches the hub', async () => {
        const url = `${ctx.base}/redirect?baseUrl=${encodeURIComponent(ctx.base)}`;
        const first = await ctx.connected(url);
        expectEqual(await first.invoke('GetActiveTransportName'), ctx.transportName, 'transport name');
        expectEqual(await first.invoke('GetCallerConnectionId'), first.connectionId, 'GetCallerConnectionId');
        const n1 = await first.invoke('GetNumRedirects');
        expectTrue(Number.isInteger(n1) && n1 >= 1, `GetNumRedirects is a positive integer (got ${JSON.stringify(n1)})`);
        const second = await ctx.connected(url);
        const n2 = await second.invoke('GetNumRedirects');
        expectTrue(Number.isInteger(n2) && n2 > n1, `the second connection's count (${n2}) is above the first's (${n1})`);
        await expectUsable(first, 'the first connection');
    });

    // Negotiate fails before the client picks a transport: these apply to MessagePack over
    // Server-Sent Events too.
    test("a negotiate answered with 400 fails start() with the server's text", async () => {
        const c = ctx.hub('/bad-negotiate');
        await expectRejects(c.start(),
            "Failed to complete negotiation with the server: Error: Some response from server: Status code '400'", 'start()');
        expectEqual(c.state, 'Disconnected', 'state');
    }, { needsRunHub: false });

    test('a path with no hub fails start() with 404', async () => {
        const c = ctx.hub('/no-such-hub');
        await expectRejects(c.start(),
            "Failed to complete negotiation with the server: Error: Not Found: Status code '404' " +
            'Either this is not a SignalR endpoint or there is a proxy blocking the connection.', 'start()');
    }, { needsRunHub: false });

    if (ctx.protocolName === 'messagepack' && ctx.transportName === 'ServerSentEvents') {
        // The server offers Server-Sent Events for text only (transferFormats ["Text"] in its negotiate
        // answer), and the client skips it for a binary protocol; the other transports are disabled.
        test('MessagePack over Server-Sent Events: start() fails, the transport not supporting Binary', async () => {
            const c = ctx.hub();
            await expectRejects(c.start(),
                'Unable to connect to the server with any of the available transports. ' +
                "WebSockets failed: Error: 'WebSockets' is disabled by the client. " +
                "ServerSentEvents failed: Error: 'ServerSentEvents' does not support Binary. " +
                "LongPolling failed: Error: 'LongPolling' is disabled by the client.", 'start()');
            expectEqual(c.state, 'Disconnected', 'state');
            const n = ctx.hub('/testhub-nowebsockets');
            await expectRejects(n.start(),
                'Unable to connect to the server with any of the available transports. ' +
                "ServerSentEvents failed: Error: 'ServerSentEvents' does not support Binary. " +
                "LongPolling failed: Error: 'LongPolling' is disabled by the client.", 'start() on /testhub-nowebsockets');
        }, { needsRunHub: false });
    }
}
