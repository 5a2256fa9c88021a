// The README's hub example (built by tools/check-snippets to listen on a free port) with the official
// client: every method it shows, called as the README says.
//
//   node tests/readme/readme_hub.mjs <readme-hub-example>
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits non-zero if any failed.

import { check, expectEqual, installNodePackages, requireTestPackage, scriptArguments, ServerProcess, summary,
    withTimeout } from '../interop/support.mjs';

const [serverPath] = scriptArguments('node readme_hub.mjs <readme-hub-example>');

installNodePackages('tests/interop');
const signalR = requireTestPackage('@microsoft/signalr');

const server = await ServerProcess.start(serverPath, []);
const hubUrl = `${server.url}/chat`;
console.log(`# the README hub example listening on ${server.url}`);

const connections = [];
async function connect(transport) {
    const c = new signalR.HubConnectionBuilder()
        .withUrl(hubUrl, { transport })
        .configureLogging(signalR.LogLevel.None)
        .build();
    await c.start();
    connections.push(c);
    return c;
}

await check('add returns the sum', async () => {
    const c = await connect(signalR.HttpTransportType.WebSockets);
    expectEqual(await c.invoke('add', 2, 3), 5, 'add(2, 3)');
});

await check('SendToRoom reaches the others in the room, not the sender or those outside it', async () => {
    const [alice, bob, carol] = await Promise.all([
        connect(signalR.HttpTransportType.WebSockets),
        connect(signalR.HttpTransportType.ServerSentEvents),
        connect(signalR.HttpTransportType.LongPolling),
    ]);
    const heard = { alice: [], bob: [], carol: [] };
    alice.on('message', (...args) => heard.alice.push(args));
    carol.on('message', (...args) => heard.carol.push(args));
    const bobHears = new Promise((resolve) => bob.on('message', (...args) => {
        heard.bob.push(args);
        resolve();
    }));
    await alice.invoke('JoinRoom', 'lobby');
    await bob.invoke('JoinRoom', 'lobby');
    await alice.invoke('SendToRoom', 'lobby', 'hello');
    await withTimeout(bobHears, 5_000, "bob's message");
    expectEqual(heard.bob, [[alice.connectionId, 'lobby', 'hello']], 'what bob heard');
    // An invocation after the send has its answer after the message would have come.
    await alice.invoke('add', 0, 0);
    await carol.invoke('add', 0, 0);
    expectEqual(heard.alice, [], 'what the sender heard');
    expectEqual(heard.carol, [], 'what a connection outside the room heard');
});

await check('ask_caller returns what the caller answered (a client result)', async () => {
    const c = await connect(signalR.HttpTransportType.WebSockets);
    c.on('Answer', (question) => `an answer to ${question}`);
    expectEqual(await c.invoke('ask_caller', 'why?'), 'an answer to why?', 'ask_caller');
});

await check('count streams 0 to n-1', async () => {
    const c = await connect(signalR.HttpTransportType.WebSockets);
    const items = await withTimeout(new Promise((resolve, reject) => {
        const got = [];
        c.stream('count', 4).subscribe({ next: (i) => got.push(i), complete: () => resolve(got), error: reject });
    }), 5_000, 'the stream');
    expectEqual(items, [0, 1, 2, 3], 'count(4)');
});

await Promise.all(connections.map((c) => c.stop()));
await server.stop();
process.exit(summary());
