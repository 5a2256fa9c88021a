// The chat example's bounds, with the official client (@microsoft/signalr for Node): anonymous clients
// can no longer break it for everyone (the security review's F4: ~1,500 rooms made every new user's
// SetName fail). Rooms nobody is in are forgotten, there are at most 50 rooms and 200 names, and a join
// tells everyone about one room, not the whole list. (The page itself is tested in tests/browser/.)
//
//   node tests/examples/chat.mjs <chat-server>
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits non-zero if any failed.

import { check, checkStops, expectEqual, expectTrue, installNodePackages, requireTestPackage,
    scriptArguments, ServerProcess, summary, withTimeout } from '../interop/support.mjs';

const [serverPath] = scriptArguments('node chat.mjs <chat-server>');

installNodePackages('tests/interop');
const signalR = requireTestPackage('@microsoft/signalr');

const server = await ServerProcess.start(serverPath, ['--port', '0']);
const hubUrl = `${server.urls[0]}/chathub`;
console.log(`# chat-server listening on ${server.urls[0]}`);

// A connection that records every Rooms list and Room change it is sent.
async function connect() {
    const c = new signalR.HubConnectionBuilder()
        .withUrl(hubUrl, { transport: signalR.HttpTransportType.WebSockets })
        .configureLogging(signalR.LogLevel.None)
        .build();
    c.lists = [];
    c.changes = [];
    c.on('Rooms', (rooms) => c.lists.push(rooms));
    c.on('Room', (room) => c.changes.push(room));
    c.on('People', (people) => { c.people = people; });
    c.on('Message', () => {});
    await c.start();
    return c;
}

const roomNames = (rooms) => rooms.map((r) => r.name);
const until = (condition, what) => withTimeout(new Promise((resolve) => {
    const poll = () => (condition() ? resolve() : setTimeout(poll, 10));
    poll();
}), 5_000, what);

const watcher = await connect();
await watcher.invoke('SetName', 'watcher');

await check('a room nobody is in any more is forgotten; the defaults stay', async () => {
    const c = await connect();
    await c.invoke('SetName', 'visitor');
    await c.invoke('JoinRoom', 'Passing');
    await until(() => watcher.changes.some((r) => r.name === 'passing' && r.open && r.people === 1), 'passing opened');
    await c.invoke('JoinRoom', 'lobby');
    await until(() => watcher.changes.some((r) => r.name === 'passing' && !r.open), 'passing forgotten');
    await c.invoke('LeaveRoom');
    const fresh = await connect();
    await fresh.invoke('SetName', 'fresh');
    expectEqual(roomNames(fresh.lists[0]), ['c++', 'lobby', 'random'], 'rooms listed to a new name');
    await Promise.all([c.stop(), fresh.stop()]);
});

await check('a join sends everyone the rooms that changed, never the whole list', async () => {
    const lists = watcher.lists.length;
    const c = await connect();
    await c.invoke('SetName', 'joiner');
    await c.invoke('JoinRoom', 'random');
    await c.invoke('JoinRoom', 'lobby');
    await until(() => watcher.changes.some((r) => r.name === 'lobby' && r.people === 1), 'lobby counted');
    expectEqual(watcher.lists.length, lists, 'Rooms lists sent to others');
    await c.stop();
});

await check('at most 50 rooms: one more is refused, and a new user still gets in', async () => {
    // One client keeps each room open (the review's attacker made them one after another).
    const holders = [];
    let refused = null;
    for (let i = 0; i < 60 && !refused; ++i) {
        const c = await connect();
        holders.push(c);
        await c.invoke('SetName', `holder ${i}`);
        try {
            await c.invoke('JoinRoom', `room ${i}`);
        } catch (e) {
            refused = e;
        }
    }
    expectTrue(refused !== null, 'a room past the limit was refused');
    expectTrue(String(refused.message).includes('There are too many rooms: join one of those listed.'),
        `the refusal says why: ${refused.message}`);
    expectEqual(holders.length, 48, 'rooms made besides the three defaults (50 in all)');
    const newcomer = await connect();
    expectEqual(await newcomer.invoke('SetName', 'newcomer'), 'newcomer', 'a new user names itself');
    expectEqual(newcomer.lists[0].length, 50, 'rooms listed to it');
    await newcomer.invoke('JoinRoom', 'room 3');
    await Promise.all([...holders, newcomer].map((c) => c.stop()));
    await until(() => watcher.changes.some((r) => r.name === 'room 3' && !r.open), 'rooms forgotten as their people go');
}, 60_000);

await check('at most 200 names: one more is refused with a reason', async () => {
    await until(() => watcher.people?.length === 1, 'everyone else gone');
    const people = [];
    let refused = null;
    for (let i = 0; i < 210 && !refused; ++i) {
        const c = await connect();
        people.push(c);
        try {
            await c.invoke('SetName', `person ${i}`);
        } catch (e) {
            refused = e;
        }
    }
    expectEqual(people.length, 200, 'names given before the refusal (the watcher has one)');
    expectTrue(String(refused?.message).includes('The chat is full: try again later.'), `the refusal: ${refused?.message}`);
    await Promise.all(people.map((c) => c.stop()));
    await until(() => watcher.people?.length === 1, 'everyone else gone');
    const later = await connect();
    expectEqual(await later.invoke('SetName', 'later'), 'later', 'a name once the others left');
    await later.stop();
}, 60_000);

await watcher.stop();
await checkStops(server);
process.exit(summary());
