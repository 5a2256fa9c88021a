// The raw-echo example through `ws`: a persistent connection over plain HTTP, over TLS with the
// certificate the server made at start-up (trusted through --cert-out, refused without it), and over
// a Unix-domain socket; one server behind all three.
//
//   node tests/examples/raw_echo.mjs <raw-echo-server>
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits non-zero if any failed.

import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, checkStops, expectEqual, fail, installNodePackages, requireTestPackage, scriptArguments, ServerProcess, summary,
    withTimeout } from '../interop/support.mjs';

const [serverPath] = scriptArguments('node raw_echo.mjs <raw-echo-server>');

installNodePackages('tests/interop');
const WebSocket = requireTestPackage('ws');

const dir = mkdtempSync(join(tmpdir(), 'signalrpp-raw-echo-'));
const socketPath = join(dir, 'echo.sock');
const certPath = join(dir, 'cert.pem');
const server = await ServerProcess.start(serverPath,
    ['--port', '0', '--tls-port', '0', '--unix', socketPath, '--cert-out', certPath], { listeners: 3 });
server.lines.forEach((l) => console.log(`# ${l}`));
const [httpUrl, httpsUrl, unixUrl] = server.urls;
const ca = readFileSync(certPath, 'utf8');

function open(url, options = {}) {
    return withTimeout(new Promise((resolve, reject) => {
        const ws = new WebSocket(url, options);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
    }), 5_000, `a WebSocket to ${url}`);
}

function next(ws) {
    return withTimeout(new Promise((resolve) => {
        ws.once('message', (data, isBinary) => resolve({ data: isBinary ? [...data] : data.toString(), isBinary }));
    }), 5_000, 'a message');
}

async function echoes(ws) {
    ws.send('hello, signalrpp');
    expectEqual(await next(ws), { data: 'hello, signalrpp', isBinary: false }, 'text echo');
    ws.send(Buffer.from([0, 1, 2, 254, 255]));
    expectEqual(await next(ws), { data: [0, 1, 2, 254, 255], isBinary: true }, 'binary echo');
}

const sockets = [];

await check('three listeners: http, https and unix, plain HTTP first', async () => {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(httpUrl)) fail(`first: ${httpUrl}`);
    if (!/^https:\/\/127\.0\.0\.1:\d+$/.test(httpsUrl)) fail(`second: ${httpsUrl}`);
    expectEqual(unixUrl, `unix:${socketPath}`, 'third');
});

await check('over plain HTTP, text comes back as text and binary as binary', async () => {
    const ws = await open(`${httpUrl.replace('http:', 'ws:')}/echo`);
    sockets.push(ws);
    await echoes(ws);
});

await check('over TLS, trusting the certificate from --cert-out, whose fingerprint the server printed', async () => {
    const fingerprint = new X509Certificate(ca).fingerprint256;
    if (!server.lines[1].includes(fingerprint)) fail(`${fingerprint} is not in "${server.lines[1]}"`);
    const ws = await open(`${httpsUrl.replace('https:', 'wss:')}/echo`, { ca });
    sockets.push(ws);
    await echoes(ws);
});

await check('over TLS, negotiate answers too (HTTPS POST)', async () => {
    const body = await withTimeout(new Promise((resolve, reject) => {
        const req = request(`${httpsUrl}/echo/negotiate?negotiateVersion=1`, { method: 'POST', ca }, (res) => {
            let text = '';
            res.on('data', (d) => { text += d; });
            res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
    }), 5_000, 'negotiate');
    const answer = JSON.parse(body);
    if (typeof answer.connectionToken !== 'string') fail(`negotiate: ${body}`);
});

await check('over TLS, a client that does not trust the certificate is refused', async () => {
    try {
        const ws = await open(`${httpsUrl.replace('https:', 'wss:')}/echo`);
        ws.terminate();
        fail('connected without trusting the certificate');
    } catch (e) {
        if (!/self[- ]signed/i.test(e.message)) throw e;
    }
});

await check('over the Unix-domain socket', async () => {
    const ws = await open(`ws+unix:${socketPath}:/echo`);
    sockets.push(ws);
    await echoes(ws);
});

await check('"/all TEXT" reaches every connection, whichever listener it came through', async () => {
    const received = Promise.all(sockets.map(next));
    sockets[2].send('/all to everyone');
    const got = await received;
    expectEqual(got.map((m) => m.data), sockets.map(() => 'to everyone'), 'messages');
});

for (const ws of sockets) ws.close();
await checkStops(server);
await check('the Unix socket file is removed on exit', () => {
    if (existsSync(socketPath)) fail(`${socketPath} is still there`);
});
rmSync(dir, { recursive: true, force: true });
process.exit(summary());
