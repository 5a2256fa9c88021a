// /chathub with several clients at once: rooms (groups), broadcasts and whispers, and leaving a room
// by disconnecting.
//
// To show that a client did NOT get a call, the sender then broadcasts a marker and each client
// waits for it: a client receives one sender's calls in the order the sender made them, so a call
// that was going to arrive would have arrived before the marker.

import { expectEqual, Inbox } from './harness.mjs';

/** A started /chathub client whose received calls are queued as [method, ...arguments]. */
async function chatClient(ctx, name) {
    const c = ctx.hub('/chathub');
    const inbox = new Inbox();
    for (const method of ['message', 'broadcast', 'whisper']) {
        c.on(method, (...args) => inbox.push([method, ...args]));
    }
    await c.start();
    return { name, c, id: c.connectionId, inbox };
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
}
