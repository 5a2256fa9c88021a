// Interop tests of the official JavaScript client, @microsoft/signalr, against signalrpp's
// testhub-server (tests/interop/testhub_server.cpp), over one transport per run:
//
//   node tests/interop/hub/main.mjs <path to testhub-server> <WebSockets|ServerSentEvents|LongPolling> [--threads N]
//
// Starts the server on a free port of 127.0.0.1, runs every test that applies to the transport (each
// bounded in time, the whole run too), prints one TAP-like line per test and a count of those that
// passed, stops the server, and exits non-zero if a test failed. Arguments after the transport go to
// the server (testhub-server runs one thread unless --threads says otherwise).
// SIGNALRPP_INTEROP_LOG=1 prints the client's log as it goes; otherwise only a failed test's log is shown.

import { createRequire } from 'node:module';

import { runAgainst, scriptArguments, ServerProcess } from '../support.mjs';
import { CapturingLogger, runTests, signalR, withTimeout } from './harness.mjs';
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
const [serverPath, transportName, ...serverArgs] = scriptArguments(
    'node hub/main.mjs <path to testhub-server> <WebSockets|ServerSentEvents|LongPolling> [server options, e.g. --threads 2]',
    (args) => args[0] && TRANSPORTS.includes(args[1]));

/** testhub-server, listening on `port` (0: any free port). */
const serverArgsFor = (port) => ['--port', String(port), ...serverArgs];
const server = new ServerProcess(serverPath, serverArgsFor(0),
    { listening: /^listening on (http:\/\/127\.0\.0\.1:\d+)$/, startMs: 10_000 });

/** What a test reaches: the server, the transport, and builders that track what they open. */
class SuiteContext {
    constructor() {
        this.server = server;
        this.transportName = transportName;
        this.transport = signalR.HttpTransportType[transportName];
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

    /** A HubConnectionBuilder for `path` on this run's transport; `options` adds to or overrides the defaults. */
    builder(path = '/testhub', options = {}) {
        const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
        return new signalR.HubConnectionBuilder()
            .configureLogging(this.logger)
            .withUrl(url, { transport: this.transport, logMessageContent: true, ...options });
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
    console.log(`# @microsoft/signalr ${signalR.VERSION} over ${transportName}; server ${serverPath}` +
        `${serverArgs.length ? ` ${serverArgs.join(' ')}` : ''} on port ${server.port}`);

    const ctx = new SuiteContext();
    const tests = [];
    const test = (name, body, options = {}) => tests.push({ name, body, ...options });
    // Reconnection restarts the server, so it comes last.
    for (const define of [invocations, streams, clientResults, connectionOptions, authorization, echoConnection, chat,
        reconnect]) {
        define(test, ctx);
    }
    test('the server exits with status 0 on SIGTERM', () => server.stopWithStatusZero(5_000));

    const result = await runTests(transportName, tests, ctx);
    const total = result.passed + result.failed.length;
    console.log(`# ${transportName}: ${result.passed}/${total - result.skipped.length} tests passed` +
        (result.skipped.length ? `, ${result.skipped.length} not applicable to this server` : '') +
        (result.failed.length ? `; failed: ${result.failed.join('; ')}` : ''));
    return result.failed.length ? 1 : 0;
}

runAgainst(server, main, { ms: GLOBAL_TIMEOUT_MS });
