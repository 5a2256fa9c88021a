// /authorizedhub: only holders of a token from GET /generateJwtToken connect. The client sends the
// token as "Authorization: Bearer" (negotiate, long polling, and WebSockets under Node) or as the
// access_token query parameter (Server-Sent Events).

import { refusedHandshake } from '../support.mjs';
import { expectEqual, expectRejects, expectTrue, withTimeout } from './harness.mjs';

const UNAUTHORIZED = "Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'";

async function getToken(ctx) {
    const res = await withTimeout(fetch(`${ctx.base}/generateJwtToken`), 5_000, 'GET /generateJwtToken');
    expectEqual(res.status, 200, 'status of GET /generateJwtToken');
    const token = await res.text();
    expectTrue(/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token), `GET /generateJwtToken answers a JWT (got ${JSON.stringify(token)})`);
    return token;
}

export default function define(test, ctx) {
    test('a token from /generateJwtToken opens /authorizedhub', async () => {
        const token = await getToken(ctx);
        const c = await ctx.connected('/authorizedhub', { accessTokenFactory: () => token });
        expectEqual(await c.invoke('Echo', '你好，世界！'), '你好，世界！', 'Echo result');
    });

    test('an asynchronous token factory works too', async () => {
        let calls = 0;
        const c = await ctx.connected('/authorizedhub', {
            accessTokenFactory: async () => {
                calls += 1;
                return getToken(ctx);
            },
        });
        expectEqual(await c.invoke('Echo', 'async token'), 'async token', 'Echo result');
        expectTrue(calls >= 1, 'the factory was called');
    });

    // Negotiate fails before the client picks a transport: these apply to MessagePack over
    // Server-Sent Events too.
    test('no token: start() fails with 401 Unauthorized', async () => {
        const c = ctx.hub('/authorizedhub');
        await expectRejects(c.start(), UNAUTHORIZED, 'start()');
    }, { needsRunHub: false });

    test('a token that does not verify: start() fails with 401 Unauthorized', async () => {
        const token = await getToken(ctx);
        const [header, payload, signature] = token.split('.');
        const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
        const c = ctx.hub('/authorizedhub', { accessTokenFactory: () => forged });
        await expectRejects(c.start(), UNAUTHORIZED, 'start() with a forged signature');
        const garbage = ctx.hub('/authorizedhub', { accessTokenFactory: () => 'not-a-token' });
        await expectRejects(garbage.start(), UNAUTHORIZED, "start() with 'not-a-token'");
    }, { needsRunHub: false });

    test('negotiate without a token answers 401 with an empty body', async () => {
        const res = await fetch(`${ctx.base}/authorizedhub/negotiate?negotiateVersion=1`, { method: 'POST' });
        expectEqual(res.status, 401, 'status');
        expectEqual(await res.text(), '', 'body');
    }, { needsRunHub: false });

    test('the token is not needed on /testhub, and does no harm there', async () => {
        const token = await getToken(ctx);
        const c = await ctx.connected('/testhub', { accessTokenFactory: () => token });
        expectEqual(await c.invoke('Echo', 'with a token'), 'with a token', 'Echo result');
    });

    if (ctx.transportName === 'WebSockets') {
        test('skipNegotiation: the token authorizes the WebSocket request itself', async () => {
            const token = await getToken(ctx);
            const c = await ctx.connected('/authorizedhub', { skipNegotiation: true, accessTokenFactory: () => token });
            expectEqual(await c.invoke('Echo', 'direct'), 'direct', 'Echo result');
        });
    }

    test('a transport request without the token is refused with 401', async () => {
        // Negotiate with the token, then open the transport without it, as a client that lost it would.
        const token = await getToken(ctx);
        const neg = await fetch(`${ctx.base}/authorizedhub/negotiate?negotiateVersion=1`, {
            method: 'POST', headers: { Authorization: `Bearer ${token}` },
        });
        expectEqual(neg.status, 200, 'negotiate status with the token');
        const { connectionToken } = await neg.json();
        const url = `${ctx.base}/authorizedhub?id=${encodeURIComponent(connectionToken)}`;
        if (ctx.transportName === 'WebSockets') {
            const { status } = await withTimeout(refusedHandshake(url.replace(/^http/, 'ws')), 5_000, 'the handshake answer');
            expectEqual(status, 401, 'status of the WebSocket handshake');
        } else {
            const res = await fetch(url,
                ctx.transportName === 'ServerSentEvents' ? { headers: { Accept: 'text/event-stream' } } : {});
            expectEqual(res.status, 401, 'status of the transport request without the token');
            await res.body?.cancel();
        }
    }, { needsRunHub: false });
}
