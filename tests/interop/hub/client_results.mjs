// Client results: GET /clientresult/{connectionId} makes the server invoke the client method
// 'Result' on that connection and answers with the client's result, or with the error's text.

import { deferred, expectEqual, withTimeout } from './harness.mjs';

async function askForResult(ctx, connectionId) {
    const res = await withTimeout(fetch(`${ctx.base}/clientresult/${encodeURIComponent(connectionId)}`), 8_000,
        'the answer of /clientresult');
    return { status: res.status, body: await res.text() };
}

export default function define(test, ctx) {
    test("the server gets the value the client's 'Result' handler returns", async () => {
        const c = ctx.hub();
        c.on('Result', () => 10);
        await c.start();
        expectEqual((await askForResult(ctx, c.connectionId)).body, '10', 'body of /clientresult');
    });

    test('the server waits for a handler that answers later (a promise)', async () => {
        const c = ctx.hub();
        c.on('result', () => new Promise((resolve) => setTimeout(() => resolve(42), 200)));
        await c.start();
        expectEqual((await askForResult(ctx, c.connectionId)).body, '42', 'body of /clientresult');
    });

    test('a handler that throws gives the server the error text', async () => {
        const c = ctx.hub();
        c.on('Result', () => {
            throw new Error('from callback');
        });
        await c.start();
        expectEqual((await askForResult(ctx, c.connectionId)).body, 'Error: from callback', 'body of /clientresult');
    });

    test("a connection without a 'Result' handler answers that it provided no result", async () => {
        const c = await ctx.connected();
        expectEqual((await askForResult(ctx, c.connectionId)).body, "Client didn't provide a result.",
            'body of /clientresult');
    });

    test('results for several connections asked at once go to the right requests', async () => {
        const connections = [];
        for (let i = 0; i < 4; ++i) {
            const c = ctx.hub();
            c.on('Result', () => 100 + i);
            await c.start();
            connections.push(c);
        }
        const answers = await Promise.all(connections.map((c) => askForResult(ctx, c.connectionId)));
        expectEqual(answers.map((a) => a.body), ['100', '101', '102', '103'], 'bodies of /clientresult');
    });

    test('the client keeps answering hub calls while a client result is pending', async () => {
        const c = ctx.hub();
        const release = deferred();
        c.on('Result', () => release.promise);
        await c.start();
        const answer = askForResult(ctx, c.connectionId);
        expectEqual(await c.invoke('Echo', 'meanwhile'), 'meanwhile', 'Echo while the result is pending');
        release.resolve(7);
        expectEqual((await answer).body, '7', 'body of /clientresult');
    });

    test('asking an unknown connection answers that it does not exist', async () => {
        expectEqual((await askForResult(ctx, 'no-such-connection')).body, "Connection 'no-such-connection' does not exist.",
            'body of /clientresult');
    }, { needsRunHub: false });

    test('a connection that goes away before answering makes the server report it disconnected', async () => {
        const c = ctx.hub();
        const asked = deferred();
        c.on('Result', () => {
            asked.resolve();
            return new Promise(() => {}); // never answers
        });
        await c.start();
        const id = c.connectionId;
        const answer = askForResult(ctx, id);
        await withTimeout(asked.promise, 5_000, "the 'Result' call");
        await c.stop();
        expectEqual((await answer).body, `Connection '${id}' disconnected.`, 'body of /clientresult');
    });
}
