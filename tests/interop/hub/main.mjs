// Interop tests of the official JavaScript client, @microsoft/signalr, against signalrpp's
// testhub-server (tests/interop/testhub_server.cpp), over one transport and one hub protocol per run:
//
//   node tests/interop/hub/main.mjs <path to testhub-server> <WebSockets|ServerSentEvents|LongPolling>
//       [--protocol json|messagepack] [--threads N]
//
// Starts the server on a free port of 127.0.0.1, runs every test that applies to the transport (each
// bounded in time, the whole run too), prints one TAP-like line per test and a count of those that
// passed, stops the server, and exits non-zero if a test failed. The hub protocol is JSON unless
// `--protocol messagepack` (right after the transport) picks @microsoft/signalr-protocol-msgpack.
// The client sends MessagePack, a binary protocol, over WebSockets and long polling only: over
// Server-Sent Events it refuses to start, which one test checks, and the tests that need a hub
// connection are skipped with that reason. Arguments after these go to the server (testhub-server
// runs one thread unless --threads says otherwise).
// SIGNALRPP_INTEROP_LOG=1 prints the client's log as it goes; otherwise only a failed test's log is shown.

import { createRequire } from 'node:module';

import { runAgainst, scriptArguments, ServerProcess } from '../support.mjs';
import { CapturingLogger, MessagePackHubProtocol, runTests, signalR, withTimeout } from './harness.mjs';
import authorization from './authorization.mjs';
import chat from './chat.mjs';
import clientResults from './client_results.mjs';
import connectionOptions from './connection_options.mjs';
import echoConnection from './echo_connection.mjs';
import invocations from './invocations.mjs';
import reconnect from './reconnect.mjs';
import streams from './streams.mjs';

// HttpConnection (the connection under HubConnection) is not exported by the package's index.
const require = createRequire(import.meta.url);
const { HttpConnection } = require('@microsoft/signalr/dist/cjs/HttpConnection');

const GLOBAL_TIMEOUT_MS = 100_000;
const STOP_TIMEOUT_MS = 3_000;

const TRANSPORTS = ['WebSockets', 'ServerSentEvents', 'LongPolling'];
const PROTOCOLS = ['json', 'messagepack'];
const [serverPath, transportName, ...rest] = scriptArguments(
    'node hub/main.mjs <path to testhub-server> <WebSockets|ServerSentEvents|LongPolling> [--protocol json|messagepack]' +
    ' [server options, e.g. --threads 2]',
    (args) => args[0] && TRANSPORTS.includes(args[1]) && (args[2] !== '--protocol' || PROTOCOLS.includes(args[3])));
const [protocolName, serverArgs] = rest[0] === '--protocol' ? [rest[1], rest.slice(2)] : ['json', rest];

// Why a test that needs a hub connection with MessagePack over Server-Sent Events does not apply.
const NO_BINARY_OVER_SSE = 'the client does not use Server-Sent Events (text only) for a binary hub protocol';

/** testhub-server, listening on `port` (0: any free port). */
const serverArgsFor = (port) => ['--port', String(port), ...serverArgs];
const server = new ServerProcess(serverPath, serverArgsFor(0),
    { listening: /^listening on (http:\/\/127\.0\.0\.1:\d+)$/, startMs: 10_000 });

/** What a test reaches: the server, the transport, the hub protocol, and builders that track what they open. */
class SuiteContext {
    constructor() {
        this.server = server;
        this.transportName = transportName;
        this.transport = signalR.HttpTransportType[transportName];
        this.protocolName = protocolName; // 'json' or 'messagepack'
        // SIGNALRPP_INTEROP_SERVER=reference: the server is the ASP.NET Core app of tests/reference.
        this.againstReference = process.env.SIGNALRPP_INTEROP_SERVER === 'reference';
        this.logger = new CapturingLogger();
        this.HttpConnection = HttpConnection;
        this.opened = [];
    }

    get base() {
        return this.server.url;
    }

    resetTest() {
        this.opened = [];
    }

    /** Keeps `connection` (HubConnection or HttpConnection) to stop after the test. */
    track(connection) {
        this.opened.push(connection);
        return connection;
    }

    async cleanUp() {
        const opened = this.opened;
        this.opened = [];
        await Promise.all(opened.map((c) =>
            withTimeout(Promise.resolve().then(() => c.stop()), STOP_TIMEOUT_MS, 'a connection to stop').catch(() => {})));
    }

    /** A new instance of the hub protocol named `name` ('json' or 'messagepack'), by default this run's. */
    hubProtocol(name = this.protocolName) {
        return name === 'messagepack' ? new MessagePackHubProtocol() : new signalR.JsonHubProtocol();
    }

    /** `expected.json` or `expected.messagepack`: what this run's protocol gives where the two differ. */
    byProtocol(expected) {
        return expected[this.protocolName];
    }

    /** A HubConnectionBuilder for `path` on this run's transport and hub protocol; `options` adds to or
     *  overrides the defaults (a later withHubProtocol() replaces the protocol). */
    builder(path = '/testhub', options = {}) {
        const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
        return new signalR.HubConnectionBuilder()
            .configureLogging(this.logger)
            .withUrl(url, { transport: this.transport, logMessageContent: true, ...options })
            .withHubProtocol(this.hubProtocol());
    }

    /** A built (not started) HubConnection, stopped after the test. */
    hub(path = '/testhub', options = {}, configure = (b) => b) {
        return this.track(configure(this.builder(path, options)).build());
    }

    /** A started HubConnection, stopped after the test. */
    async connected(path = '/testhub', options = {}, configure = (b) => b) {
        const connection = this.hub(path, options, configure);
        await connection.start();
        return connection;
    }

    /** An HttpConnection (a raw connection, no hub protocol), stopped after the test. */
    rawConnection(path, options = {}) {
        const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
        return this.track(new HttpConnection(url, {
            transport: this.transport, logger: this.logger, logMessageContent: true, ...options,
        }));
    }

    /** Stops the server with `signal` and starts it again on the same port. */
    async restartServer(signal = 'SIGTERM') {
        const port = this.server.port;
        try {
            await this.server.stop(signal);
        } finally {
            this.server.kill();
            await this.server.start(serverArgsFor(port));
        }
    }
}

async function main() {
    console.log(`# @microsoft/signalr ${signalR.VERSION} over ${transportName} with the ${protocolName} hub protocol;` +
        ` server ${serverPath}${serverArgs.length ? ` ${serverArgs.join(' ')}` : ''} on port ${server.port}`);

    const ctx = new SuiteContext();
    const tests = [];
    // A test needs a hub connection with the run's protocol over the run's transport unless it says
    // `needsRunHub: false` (it uses raw HTTP or an HttpConnection, picks its own protocol and transport,
    // or checks that the client refuses).
    const noRunHub = protocolName === 'messagepack' && transportName === 'ServerSentEvents' && NO_BINARY_OVER_SSE;
    const test = (name, body, { needsRunHub = true, notApplicable, ...options } = {}) => tests.push({
        name, body, ...options, notApplicable: notApplicable || (needsRunHub && noRunHub),
    });
    // Reconnection restarts the server, so it comes last.
    for (const define of [invocations, streams, clientResults, connectionOptions, authorization, echoConnection, chat,
        reconnect]) {
        define(test, ctx);
    }
    test('the server exits with status 0 on SIGTERM', () => server.stopWithStatusZero(5_000), { needsRunHub: false });

    const label = protocolName === 'json' ? transportName : `${transportName} ${protocolName}`;
    const result = await runTests(label, tests, ctx);
    const run = result.passed + result.failed.length; // the tests skipped are in neither
    console.log(`# ${label}: ${result.passed}/${run} tests passed` +
        (result.skipped.length ? `, ${result.skipped.length} not applicable` : '') +
        (result.failed.length ? `; failed: ${result.failed.join('; ')}` : ''));
    return result.failed.length ? 1 : 0;
}

runAgainst(server, main, { ms: GLOBAL_TIMEOUT_MS });
