// /chathub with several clients at once: rooms (groups), broadcasts and whispers, leaving a room by
// disconnecting, and a room whose members speak different hub protocols (JSON and MessagePack).
//
// To show that a client did NOT get a call, the sender then broadcasts a marker and each client
// waits for it: a client receives one sender's calls in the order the sender made them, so a call
// that was going to arrive would have arrived before the marker.

import { expectEqual, Inbox, signalR } from './harness.mjs';

/**
 * A started /chathub client whose received calls are queued as [method, ...arguments]. By default it
 * uses the run's hub protocol and transport; `protocol` ('json' or 'messagepack') and `transport`
 * pick others. `formats` collects what the client's hub protocol was given to read: 'text' (a string)
 * or 'binary' (an ArrayBuffer).
 */
async function chatClient(ctx, name, { protocol = ctx.protocolName, transport = ctx.transport } = {}) {
    const formats = new Set();
    const inner = ctx.hubProtocol(protocol);
    const watched = {
        name: inner.name,
        version: inner.version,
        transferFormat: inner.transferFormat,
        parseMessages(input, logger) {
            formats.add(typeof input === 'string' ? 'text' : 'binary');
            return inner.parseMessages(input, logger);
        },
        writeMessage: (message) => inner.writeMessage(message),
    };
    const c = ctx.hub('/chathub', { transport }, (b) => b.withHubProtocol(watched));
    const inbox = new Inbox();
    for (const method of ['message', 'broadcast', 'whisper']) {
        c.on(method, (...args) => inbox.push([method, ...args]));
    }
    await c.start();
    return { name, c, id: c.connectionId, inbox, formats };
}

/** Chat clients named `names`, started one after another. */
async function chatClients(ctx, ...names) {
    const clients = [];
    for (const name of names) clients.push(await chatClient(ctx, name));
    return clients;
}

/** Broadcasts a marker from `sender` and checks that each client's calls up to it are `expected[name]`. */
async function expectCalls(sender, clients, expected, marker) {
    await sender.c.invoke('Broadcast', marker);
    for (const client of clients) {
        const calls = [];
        for (;;) {
            const call = await client.inbox.next(`the marker '${marker}' at ${client.name}`);
            if (call[0] === 'broadcast' && call[2] === marker) break;
            calls.push(call);
        }
        expectEqual(calls, expected[client.name] ?? [], `calls ${client.name} received before '${marker}'`);
    }
}

// Text the mixed room carries: non-ASCII, an emoji, quotes, a backslash, and the JSON protocol's record
// separator (escaped in JSON, as is in MessagePack).
const MIXED_TEXT = 'Grüße, 你好 \u{1F600} "quoted" \\ and \u001e inside';

export default function define(test, ctx) {
    test('a room message reaches the other members only', async () => {
        const [alice, bob, carol] = await chatClients(ctx, 'alice', 'bob', 'carol');
        const everyone = [alice, bob, carol];
        await alice.c.invoke('JoinRoom', 'room1');
        await bob.c.invoke('JoinRoom', 'room1');
        expectEqual(await alice.c.invoke('SendToRoom', 'room1', 'hello room'), null, 'SendToRoom result');
        await expectCalls(alice, everyone, { bob: [['message', alice.id, 'room1', 'hello room']] }, 'm1');
    });

    test('a non-member can send to a room; every member receives it', async () => {
        const [alice, bob, carol] = await chatClients(ctx, 'alice', 'bob', 'carol');
        await alice.c.invoke('JoinRoom', 'room2');
        await bob.c.invoke('JoinRoom', 'room2');
        await carol.c.invoke('SendToRoom', 'room2', 'from outside');
        const call = ['message', carol.id, 'room2', 'from outside'];
        await expectCalls(carol, [alice, bob, carol], { alice: [call], bob: [call] }, 'm2');
    });

    test('a broadcast reaches everyone, the sender included', async () => {
        const clients = await chatClients(ctx, 'alice', 'bob', 'carol');
        const [, bob] = clients;
        expectEqual(await bob.c.invoke('Broadcast', 'hi all'), null, 'Broadcast result');
        for (const client of clients) {
            expectEqual(await client.inbox.next(`the broadcast at ${client.name}`), ['broadcast', bob.id, 'hi all'],
                `call ${client.name} received`);
        }
    });

    test('a whisper reaches its one addressee', async () => {
        const [alice, bob, carol] = await chatClients(ctx, 'alice', 'bob', 'carol');
        expectEqual(await alice.c.invoke('Whisper', carol.id, 'psst'), null, 'Whisper result');
        await expectCalls(alice, [alice, bob, carol], { carol: [['whisper', alice.id, 'psst']] }, 'm3');
    });

    test('a whisper to an unknown connection is no error', async () => {
        const alice = await chatClient(ctx, 'alice');
        expectEqual(await alice.c.invoke('Whisper', 'no-such-connection', 'anyone?'), null, 'Whisper result');
        await expectCalls(alice, [alice], {}, 'm4');
    });

    test('rooms are separate, a client may be in several, and joining twice delivers once', async () => {
        const [alice, bob, carol] = await chatClients(ctx, 'alice', 'bob', 'carol');
        await alice.c.invoke('JoinRoom', 'red');
        await bob.c.invoke('JoinRoom', 'red');
        await bob.c.invoke('JoinRoom', 'red');
        await bob.c.invoke('JoinRoom', 'blue');
        await carol.c.invoke('JoinRoom', 'blue');
        await alice.c.invoke('SendToRoom', 'red', 'to red');
        await carol.c.invoke('SendToRoom', 'blue', 'to blue');
        await expectCalls(carol, [alice, bob, carol], {
            bob: [['message', alice.id, 'red', 'to red'], ['message', carol.id, 'blue', 'to blue']],
        }, 'm5');
    });

    test('a member that leaves the room no longer receives its messages', async () => {
        const [alice, bob] = await chatClients(ctx, 'alice', 'bob');
        await alice.c.invoke('JoinRoom', 'room3');
        await bob.c.invoke('JoinRoom', 'room3');
        expectEqual(await bob.c.invoke('LeaveRoom', 'room3'), null, 'LeaveRoom result');
        await alice.c.invoke('SendToRoom', 'room3', 'anyone left?');
        await expectCalls(alice, [alice, bob], {}, 'm6');
        expectEqual(await bob.c.invoke('LeaveRoom', 'room3'), null, 'LeaveRoom of a room not joined');
    });

    test('a client that disconnects leaves its rooms; a new connection starts in none', async () => {
        const [alice, bob] = await chatClients(ctx, 'alice', 'bob');
        await alice.c.invoke('JoinRoom', 'room4');
        await bob.c.invoke('JoinRoom', 'room4');
        const oldBob = bob.id;
        await bob.c.stop();
        await bob.c.start();
        bob.id = bob.c.connectionId;
        expectEqual(bob.id !== oldBob, true, 'the reconnected client has a new id');
        expectEqual(await alice.c.invoke('SendToRoom', 'room4', 'after the disconnect'), null, 'SendToRoom result');
        await expectCalls(alice, [alice, bob], {}, 'm7');
        await alice.c.invoke('Whisper', oldBob, 'to the old connection');
        await expectCalls(alice, [alice, bob], {}, 'm8');
    });

    test('twenty clients in one room each receive every other member\'s message', async () => {
        const clients = await chatClients(ctx, ...Array.from({ length: 20 }, (_, i) => `client${i}`));
        await Promise.all(clients.map((client) => client.c.invoke('JoinRoom', 'crowd')));
        await Promise.all(clients.map((client) => client.c.invoke('SendToRoom', 'crowd', `from ${client.name}`)));
        for (const client of clients) {
            const received = [];
            for (let i = 0; i < clients.length - 1; ++i) {
                received.push(await client.inbox.next(`message ${i + 1} at ${client.name}`));
            }
            const expected = clients.filter((other) => other !== client)
                .map((other) => ['message', other.id, 'crowd', `from ${other.name}`]);
            const key = (call) => call.join('\u0000');
            expectEqual(received.map(key).sort(), expected.map(key).sort(), `messages ${client.name} received`);
        }
    }, { timeoutMs: 20_000 });

    // The members use the run's transport, but MessagePack never goes over Server-Sent Events (the
    // client refuses): there the MessagePack clients come in by WebSockets. The sender, outside the
    // room, speaks the run's protocol.
    test('a room with a JSON member and a MessagePack member: both get the same calls, each in its own format', async () => {
        const binaryTransport = ctx.transportName === 'ServerSentEvents'
            ? signalR.HttpTransportType.WebSockets : ctx.transport;
        const json = await chatClient(ctx, 'json', { protocol: 'json' });
        const msgpack = await chatClient(ctx, 'msgpack', { protocol: 'messagepack', transport: binaryTransport });
        const sender = ctx.protocolName === 'messagepack'
            ? await chatClient(ctx, 'sender', { protocol: 'messagepack', transport: binaryTransport })
            : await chatClient(ctx, 'sender', { protocol: 'json' });
        await json.c.invoke('JoinRoom', 'mixed');
        await msgpack.c.invoke('JoinRoom', 'mixed');
        expectEqual(await sender.c.invoke('SendToRoom', 'mixed', MIXED_TEXT), null, 'SendToRoom result');
        expectEqual(await sender.c.invoke('Broadcast', MIXED_TEXT), null, 'Broadcast result');
        const room = ['message', sender.id, 'mixed', MIXED_TEXT];
        const broadcast = ['broadcast', sender.id, MIXED_TEXT];
        for (const member of [json, msgpack]) {
            expectEqual(await member.inbox.next(`the room message at ${member.name}`), room, `room call at ${member.name}`);
            expectEqual(await member.inbox.next(`the broadcast at ${member.name}`), broadcast, `broadcast at ${member.name}`);
        }
        expectEqual(await sender.inbox.next('the broadcast at the sender'), broadcast, 'broadcast at the sender');
        // A member's own room message reaches the other member, across the protocols.
        await msgpack.c.invoke('SendToRoom', 'mixed', 'from msgpack');
        await json.c.invoke('SendToRoom', 'mixed', 'from json');
        expectEqual(await json.inbox.next("the MessagePack member's message"),
            ['message', msgpack.id, 'mixed', 'from msgpack'], 'call at the JSON member');
        expectEqual(await msgpack.inbox.next("the JSON member's message"),
            ['message', json.id, 'mixed', 'from json'], 'call at the MessagePack member');
        expectEqual([...json.formats], ['text'], 'what the JSON member read');
        expectEqual([...msgpack.formats], ['binary'], 'what the MessagePack member read');
    }, { needsRunHub: false }); // it picks its clients' protocols and transports
}
