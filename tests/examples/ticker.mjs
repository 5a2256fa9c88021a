// The ticker example with the official client (@microsoft/signalr for Node): quotes, subscriptions to
// the prices its timer pushes to groups (over each transport), streams, cancelling, refusals.
//
//   node tests/examples/ticker.mjs <ticker-server>
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits non-zero if any failed.

import { check, checkStops, expectEqual, fail, installNodePackages, requireTestPackage, scriptArguments, ServerProcess, summary,
    withTimeout } from '../interop/support.mjs';

const [serverPath] = scriptArguments('node ticker.mjs <ticker-server>');

installNodePackages('tests/interop');
const signalR = requireTestPackage('@microsoft/signalr');

const server = await ServerProcess.start(serverPath, ['--port', '0', '--interval', '50']);
const hubUrl = `${server.urls[0]}/ticker`;
console.log(`# ticker-server listening on ${server.urls[0]}`);

async function connect(transport = signalR.HttpTransportType.WebSockets) {
    const c = new signalR.HubConnectionBuilder()
        .withUrl(hubUrl, { transport })
        .configureLogging(signalR.LogLevel.None)
        .build();
    await c.start();
    return c;
}

// The next `n` Price messages the connection receives.
function prices(connection, n) {
    const got = [];
    return withTimeout(new Promise((resolve) => {
        const on = (q) => {
            got.push(q);
            if (got.length === n) {
                connection.off('Price', on);
                resolve(got);
            }
        };
        connection.on('Price', on);
    }), 5_000, `${n} Price messages`);
}

function streamItems(connection, ...args) {
    return new Promise((resolve, reject) => {
        const items = [];
        connection.stream('StreamQuotes', ...args).subscribe({
            next: (q) => items.push(q),
            complete: () => resolve(items),
            error: reject,
        });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const connections = [];

await check('Quotes gives every stock with a price and a time', async () => {
    const c = await connect();
    connections.push(c);
    const quotes = await c.invoke('Quotes');
    expectEqual(quotes.map((q) => q.symbol), ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA'], 'symbols');
    for (const q of quotes) {
        if (typeof q.price !== 'number' || q.price <= 0) fail(`price of ${q.symbol}: ${q.price}`);
        if (Number.isNaN(Date.parse(q.time))) fail(`time of ${q.symbol}: ${q.time}`);
    }
});

for (const [name, transport] of [['WebSockets', signalR.HttpTransportType.WebSockets],
                                 ['Server-Sent Events', signalR.HttpTransportType.ServerSentEvents],
                                 ['long polling', signalR.HttpTransportType.LongPolling]]) {
    await check(`over ${name}: the timer's prices reach the subscribers of that stock only`, async () => {
        const acme = await connect(transport);
        const globex = await connect(transport);
        connections.push(acme, globex);
        await acme.invoke('Subscribe', 'ACME');
        await globex.invoke('Subscribe', 'GLOBEX');
        const [a, g] = await Promise.all([prices(acme, 3), prices(globex, 3)]);
        expectEqual(a.map((q) => q.symbol), ['ACME', 'ACME', 'ACME'], 'ACME subscriber');
        expectEqual(g.map((q) => q.symbol), ['GLOBEX', 'GLOBEX', 'GLOBEX'], 'GLOBEX subscriber');
        const times = a.map((q) => Date.parse(q.time));
        if (!(times[0] < times[1] && times[1] < times[2])) fail(`times do not advance: ${a.map((q) => q.time)}`);
    });
}

await check('after Unsubscribe no more prices arrive', async () => {
    const c = await connect();
    connections.push(c);
    await c.invoke('Subscribe', 'INITECH');
    await prices(c, 1);
    await c.invoke('Unsubscribe', 'INITECH');
    let late = 0;
    c.on('Price', () => { late += 1; });
    await sleep(300); // six intervals
    expectEqual(late, 0, 'prices after unsubscribing');
});

await check('StreamQuotes sends the asked number of quotes, then completes', async () => {
    const items = await streamItems(connections[0], 'INITECH', 3);
    expectEqual(items.map((q) => q.symbol), ['INITECH', 'INITECH', 'INITECH'], 'items');
});

await check('an endless stream stops when the client cancels it; the connection goes on', async () => {
    const c = connections[0];
    let n = 0;
    let ended = false;
    await new Promise((resolve) => {
        const subscription = c.stream('StreamQuotes', 'UMBRELLA', 0).subscribe({
            next: () => {
                n += 1;
                if (n === 3) {
                    subscription.dispose();
                    resolve();
                }
            },
            complete: () => { ended = true; },
            error: () => { ended = true; },
        });
    });
    const quotes = await c.invoke('Quotes');
    expectEqual(quotes.length, 4, 'quotes after cancelling');
    if (ended) fail('the stream ended on its own');
});

await check('unknown stocks are refused with the hub\'s message', async () => {
    const c = connections[0];
    for (const call of [() => c.invoke('Subscribe', 'NOPE'), () => streamItems(c, 'NOPE', 1)]) {
        try {
            await call();
            fail('accepted');
        } catch (e) {
            if (!String(e.message).includes("No stock 'NOPE'.")) fail(`error: ${e.message}`);
        }
    }
});

await Promise.all(connections.map((c) => c.stop()));
await checkStops(server);
process.exit(summary());
