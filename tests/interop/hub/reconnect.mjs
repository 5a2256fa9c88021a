// Automatic reconnection (withAutomaticReconnect): the connection is lost, the client reconnects
// with a new connection id, and handlers and invocations work again. Losses are real: the client
// giving up on a silent server, the server stopping (SIGTERM) or dying (SIGKILL) and starting again
// on the same port. These tests restart the server, so they run last.

import { errorText } from '../support.mjs';
import { deferred, expectEqual, expectTrue, Inbox, withTimeout } from './harness.mjs';

const SERVER_TIMEOUT_TEXT = 'Server timeout elapsed without receiving a message from the server.';

// Retry every 100 ms for 15 s: long enough for a restart, short enough to fail within the test's time.
const retryUntilBack = { nextRetryDelayInMilliseconds: (r) => (r.elapsedMilliseconds < 15_000 ? 100 : null) };

/** A HubConnection with automatic reconnection whose reconnecting/reconnected events can be awaited. */
function reconnectingHub(ctx, path = '/testhub', options = {}) {
    const c = ctx.hub(path, options, (b) => b.withAutomaticReconnect(retryUntilBack));
    const events = { reconnecting: deferred(), reconnected: deferred(), closed: deferred(), messages: new Inbox() };
    c.onreconnecting((error) => events.reconnecting.resolve(error));
    c.onreconnected((id) => events.reconnected.resolve(id));
    c.onclose((error) => events.closed.resolve(error));
    c.on('Message', (text) => events.messages.push(text));
    return { c, events };
}

/** Waits for reconnecting then reconnected; returns [the reconnecting error, the new id]. */
async function awaitReconnection(c, events) {
    const closedEarly = events.closed.promise.then((e) => {
        throw new Error(`the connection closed instead of reconnecting: ${errorText(e)}`);
    });
    const error = await withTimeout(Promise.race([events.reconnecting.promise, closedEarly]), 10_000, 'onreconnecting');
    const id = await withTimeout(Promise.race([events.reconnected.promise, closedEarly]), 15_000, 'onreconnected');
    expectEqual(c.state, 'Connected', 'state after onreconnected');
    return [error, id];
}

/**
 * Makes the client drop its connection itself: a server timeout of 1 ms, armed by the next message
 * received (restored when reconnecting starts). Not for long polling, which has no server timeout.
 */
function dropFromClientSide(c) {
    c.onreconnecting(() => {
        c.serverTimeoutInMilliseconds = 30_000;
    });
    c.serverTimeoutInMilliseconds = 1;
    // The answer restarts the client's timer with 1 ms; the call itself may be cut short.
    c.invoke('Echo', '').catch(() => {});
}

/** Checks that `c` works again after reconnecting as `id`: calls in both directions. */
async function expectWorkingAgain(c, events, id) {
    expectEqual(c.connectionId, id, 'connectionId after reconnecting');
    expectEqual(await c.invoke('GetCallerConnectionId'), id, 'GetCallerConnectionId after reconnecting');
    expectEqual(await c.invoke('Echo', 'back again'), 'back again', 'Echo after reconnecting');
    await c.invoke('InvokeWithString', 'handlers survive');
    expectEqual(await events.messages.next("'Message' after reconnecting"), 'handlers survive', "'Message' argument");
}

export default function define(test, ctx) {
    if (ctx.transportName !== 'LongPolling') { // long polling has no server timeout: the poll itself keeps alive
        test('the client gives up on a silent server (server timeout) and reconnects with a new id', async () => {
            const { c, events } = reconnectingHub(ctx);
            await c.start();
            const first = c.connectionId;
            dropFromClientSide(c);
            const [error, id] = await awaitReconnection(c, events);
            expectEqual(error && error.message, SERVER_TIMEOUT_TEXT, 'the reconnecting error');
            expectTrue(id !== first, `the new id differs from the first (${first})`);
            await expectWorkingAgain(c, events, id);
        }, { timeoutMs: 20_000 });
    }

    for (const [what, signal] of [['stops', 'SIGTERM'], ['dies', 'SIGKILL']]) {
        test(`the server ${what} (${signal}) and starts again on the same port: the client reconnects`, async () => {
            const { c, events } = reconnectingHub(ctx);
            await c.start();
            const first = c.connectionId;
            await ctx.restartServer(signal);
            const [, id] = await awaitReconnection(c, events);
            expectTrue(typeof id === 'string' && id !== first, `a new id (first ${first}, now ${JSON.stringify(id)})`);
            await expectWorkingAgain(c, events, id);
        }, { timeoutMs: 25_000 });
    }

    test('after a negotiate redirect, reconnecting negotiates through the redirect again', async () => {
        const { c, events } = reconnectingHub(ctx, `${ctx.base}/redirect?baseUrl=${encodeURIComponent(ctx.base)}`);
        await c.start();
        const before = await c.invoke('GetNumRedirects');
        expectTrue(Number.isInteger(before) && before >= 1, `GetNumRedirects before (${before}) is at least 1`);
        const restart = ctx.transportName === 'LongPolling';
        if (restart) {
            await ctx.restartServer('SIGKILL');
        } else {
            dropFromClientSide(c);
        }
        const [, id] = await awaitReconnection(c, events);
        await expectWorkingAgain(c, events, id);
        const after = await c.invoke('GetNumRedirects');
        // A restarted server counts redirects from zero again.
        expectTrue(Number.isInteger(after) && (restart ? after >= 1 : after > before),
            `GetNumRedirects after reconnecting (${after}) shows a new redirect (before: ${before})`);
    }, { timeoutMs: 25_000 });

    if (ctx.transportName === 'WebSockets') {
        test('skipNegotiation: the client reconnects (still without a connection id) when the server comes back', async () => {
            const { c, events } = reconnectingHub(ctx, '/testhub', { skipNegotiation: true });
            await c.start();
            const first = await c.invoke('GetCallerConnectionId');
            await ctx.restartServer('SIGKILL');
            const [, id] = await awaitReconnection(c, events);
            expectEqual(id, undefined, 'the id onreconnected gets');
            expectEqual(c.connectionId, null, 'connectionId');
            const now = await c.invoke('GetCallerConnectionId');
            expectTrue(typeof now === 'string' && now !== first, `the server gave a new id (first ${first}, now ${now})`);
            expectEqual(await c.invoke('Echo', 'back again'), 'back again', 'Echo after reconnecting');
        }, { timeoutMs: 25_000 });

        test('skipNegotiation: after a client-side server timeout the client reconnects', async () => {
            const { c, events } = reconnectingHub(ctx, '/testhub', { skipNegotiation: true });
            await c.start();
            dropFromClientSide(c);
            const [error, id] = await awaitReconnection(c, events);
            expectEqual(error && error.message, SERVER_TIMEOUT_TEXT, 'the reconnecting error');
            expectEqual(id, undefined, 'the id onreconnected gets');
            expectEqual(await c.invoke('Echo', 'back again'), 'back again', 'Echo after reconnecting');
        }, { timeoutMs: 20_000 });
    }
}
